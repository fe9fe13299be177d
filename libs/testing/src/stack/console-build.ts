import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';

import { runLogged, tail } from './processes';

/** Where the built console lands; the stack's gateway serves it under `/` (CONSOLE_DIR). */
export function consoleDist(root: string): string {
  return join(root, 'apps', 'console', 'dist');
}

function sourceFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => sourceFiles(join(path, name)));
}

/** SHA-256 over the console's sources (paths and contents): what a build was made from. */
export function consoleSourceHash(root: string): string {
  const app = join(root, 'apps', 'console');
  const hash = createHash('sha256');
  for (const top of ['src', 'index.html', 'vite.config.ts', 'tsconfig.json']) {
    const path = join(app, top);
    if (!existsSync(path)) continue;
    for (const file of sourceFiles(path))
      hash.update(relative(app, file)).update('\0').update(readFileSync(file));
  }
  return hash.digest('hex');
}

const HASH_FILE = '.source-hash';

/**
 * Whether dist is missing or was built from other sources. By content, not by time: a file restored or checked
 * out with an older time than the build still counts as changed.
 */
export function consoleBuildStale(root: string): boolean {
  const stamp = join(consoleDist(root), HASH_FILE);
  if (!existsSync(join(consoleDist(root), 'index.html')) || !existsSync(stamp)) return true;
  return readFileSync(stamp, 'utf8').trim() !== consoleSourceHash(root);
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
  // Hashed before the build: a source edited while Vite runs makes the next start build again.
  const hash = consoleSourceHash(root);
  const dist = consoleDist(root);
  const scratch = `${dist}.build-${process.pid}`;
  mkdirSync(join(logFile, '..'), { recursive: true });
  writeFileSync(logFile, `--- ${new Date().toISOString()} console build ---\n`);
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const code = await runLogged(
    process.execPath,
    [vite, 'build', 'apps/console', '--outDir', scratch, '--emptyOutDir', '--logLevel', 'warn'],
    // jest sets NODE_ENV=test, which would bundle React's development build (twice the size, slower).
    { cwd: root, env: { ...process.env, NODE_ENV: 'production' }, logFile },
  );
  if (code !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`console: vite build failed (exit ${code}); ${logFile}:\n${tail(logFile)}`);
  }
  writeFileSync(join(scratch, HASH_FILE), `${hash}\n`);
  rmSync(dist, { recursive: true, force: true });
  renameSync(scratch, dist);
  progress('console: built');
}
