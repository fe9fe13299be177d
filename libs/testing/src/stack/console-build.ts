import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { runLogged, tail } from './processes';

/** Where the built console lands; the stack's gateway serves it under `/` (CONSOLE_DIR). */
export function consoleDist(root: string): string {
  return join(root, 'apps', 'console', 'dist');
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), stat.mtimeMs);
}

/** Whether dist is missing or older than any source of the console. */
export function consoleBuildStale(root: string): boolean {
  const index = join(consoleDist(root), 'index.html');
  if (!existsSync(index)) return true;
  const app = join(root, 'apps', 'console');
  const sources = ['src', 'index.html', 'vite.config.ts']
    .map((p) => join(app, p))
    .filter((p) => existsSync(p));
  return Math.max(...sources.map(newestMtime)) > statSync(index).mtimeMs;
}

/**
 * Builds the console with Vite when its sources changed since the last build, so a fresh clone's `stack:up`
 * and e2e run serve it without a manual step. Builds into a scratch folder and swaps it in, so a stack already
 * serving the old build never sees a half-written one.
 */
export async function ensureConsoleBuilt(
  root: string,
  logFile: string,
  progress: (m: string) => void,
): Promise<void> {
  if (!consoleBuildStale(root)) return;
  progress('console: building (vite)');
  const dist = consoleDist(root);
  const scratch = `${dist}.build-${process.pid}`;
  mkdirSync(join(logFile, '..'), { recursive: true });
  writeFileSync(logFile, `--- ${new Date().toISOString()} console build ---\n`);
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const code = await runLogged(
    process.execPath,
    [vite, 'build', 'apps/console', '--outDir', scratch, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: root, env: process.env, logFile },
  );
  if (code !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`console: vite build failed (exit ${code}); ${logFile}:\n${tail(logFile)}`);
  }
  rmSync(dist, { recursive: true, force: true });
  renameSync(scratch, dist);
  progress('console: built');
}
