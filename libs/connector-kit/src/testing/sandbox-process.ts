import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The sandbox's control API, as tests and benchmarks drive it. */
export interface SandboxProcess {
  url: string;
  port: number;
  reset(): Promise<void>;
  faults(portal: 'gst' | 'itr' | 'esign', settings: Record<string, unknown>): Promise<void>;
  advanceDays(days: number): Promise<void>;
  /** Requests the sandbox counted for a portal, or for one identifier of it. */
  requests(portal: 'gst' | 'itr' | 'esign', identifier?: string): Promise<number>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
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
 * waits until it is ready. For integration tests and benchmarks of the connectors; `repoRoot` is the
 * workspace root.
 */
export async function startSandboxProcess(
  repoRoot: string,
  env: Record<string, string> = {},
): Promise<SandboxProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(repoRoot, 'apps/portal-sandbox/src/main.ts')],
    {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the sandbox exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the sandbox did not become ready within 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
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
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
