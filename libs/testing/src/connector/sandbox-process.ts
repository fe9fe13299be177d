import type { ServiceProcess } from './service-process';
import { startServiceProcess } from './service-process';

type SandboxPortal = 'gst' | 'itr' | 'esign';

/** The sandbox's control API, as tests and benchmarks drive it. */
export interface SandboxProcess extends ServiceProcess {
  reset(): Promise<void>;
  faults(portal: SandboxPortal, settings: Record<string, unknown>): Promise<void>;
  advanceDays(days: number): Promise<void>;
  /** Requests the sandbox counted for a portal, or for one identifier of it. */
  requests(portal: SandboxPortal, identifier?: string): Promise<number>;
}

async function send(url: string, method: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url} → HTTP ${res.status}: ${await res.text()}`);
  return res.json() as Promise<unknown>;
}

/**
 * Starts apps/portal-sandbox as a child process on a free port (its real main.ts, as deployed for demos) and
 * waits until it is ready. For integration tests and benchmarks of the connectors.
 */
export async function startSandboxProcess(env: Record<string, string> = {}): Promise<SandboxProcess> {
  const sandbox = await startServiceProcess('portal-sandbox', env, {
    // As long as a connector's (90 s): on a loaded 2-core machine compiling and booting it can take over 60 s.
    readyWithinMs: 90_000,
    stopGraceMs: 5000,
  });
  const { url } = sandbox;
  return {
    ...sandbox,
    reset: async () => void (await send(`${url}/_sandbox/reset`, 'POST')),
    faults: async (portal, settings) =>
      void (await send(`${url}/_sandbox/faults/${portal}`, 'PUT', settings)),
    advanceDays: async (days) => void (await send(`${url}/_sandbox/clock/advance`, 'POST', { days })),
    requests: async (portal, identifier) => {
      const stats = (await send(`${url}/_sandbox/stats`, 'GET')) as {
        portals: Record<string, { requests: number; byIdentifier: Record<string, number> }>;
      };
      const p = stats.portals[portal];
      return identifier === undefined ? p.requests : (p.byIdentifier[identifier] ?? 0);
    },
  };
}
