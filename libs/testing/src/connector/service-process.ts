import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { repoRoot } from '../infra/repo-root';
import { freePort } from '../stack/processes';

/** An app of this repository running as a child process (its real main.ts) on a free port. */
export interface ServiceProcess {
  url: string;
  port: number;
  /** The child's process id (for /proc figures in benchmarks). */
  pid: number;
  /** SIGKILL: the process dies mid-work, as on a crash. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL after the grace period. */
  stop(): Promise<void>;
}

export interface ServiceProcessOptions {
  /** How long /health/ready may take to answer 200. */
  readyWithinMs: number;
  /** How long a SIGTERM may take before SIGKILL. */
  stopGraceMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts `apps/<app>/src/main.ts` with `node -r @swc-node/register` on a free port (`PORT`, logs at `warn`
 * unless `env` says otherwise) and waits until it answers GET /health/ready with 200.
 */
export async function startServiceProcess(
  app: string,
  env: Record<string, string>,
  options: ServiceProcessOptions,
): Promise<ServiceProcess> {
  const root = repoRoot();
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(root, `apps/${app}/src/main.ts`)],
    {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + options.readyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${app} did not become ready within ${options.readyWithinMs / 1000} s`);
    }
    await sleep(150);
  }
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    url,
    port,
    pid: child.pid ?? 0,
    kill: () => signal('SIGKILL'),
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs);
      await signal('SIGTERM');
      clearTimeout(timer);
    },
  };
}

export type ConnectorApp = 'connector-gst' | 'connector-itr' | 'connector-esign' | 'connector-books';
export type ConnectorProcess = ServiceProcess;

/** Starts a connector's real main.ts as a child process on a free port and waits for /health/ready. */
export function startConnectorProcess(
  app: ConnectorApp,
  env: Record<string, string>,
): Promise<ConnectorProcess> {
  return startServiceProcess(app, env, { readyWithinMs: 90_000, stopGraceMs: 15_000 });
}
