import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function writePid(file: string, pid: number): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${pid}\n`);
}

/** SIGTERM (graceful shutdown), then SIGKILL if it is still there after `graceMs`. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // exited meanwhile
  }
}

/** Stops the process recorded in `pidFile` (if alive) and removes the file. Returns the pid it stopped. */
export async function stopPidFile(pidFile: string, graceMs?: number): Promise<number | undefined> {
  const pid = readPid(pidFile);
  if (pid !== undefined && isAlive(pid)) await stopPid(pid, graceMs);
  rmSync(pidFile, { force: true });
  return pid !== undefined ? pid : undefined;
}

export interface SpawnLoggedOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Outlives the caller (stack.sh); otherwise a child of this process (e2e). */
  detached: boolean;
}

/** Starts `command args` with stdout and stderr appended to `logFile`. */
export function spawnLogged(command: string, args: string[], opts: SpawnLoggedOptions): ChildProcess {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', fd, fd],
      detached: opts.detached,
    });
    if (opts.detached) child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

/** Runs `command args` to completion, output appended to `logFile`; resolves with the exit code. */
export function runLogged(
  command: string,
  args: string[],
  opts: Omit<SpawnLoggedOptions, 'detached'>,
): Promise<number> {
  const child = spawnLogged(command, args, { ...opts, detached: false });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it), for processes that must not collide. */
export function freePort(): Promise<number> {
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

/** The last `lines` lines of a log file ('' when it does not exist). */
export function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}
