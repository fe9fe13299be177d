import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/** The monorepo root: the nearest ancestor whose package.json is named "practice-sync". */
export function repoRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'practice-sync'
    ) {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`practice-sync repo root not found above ${__dirname}`);
    dir = parent;
  }
}

/** Where local infrastructure keeps its state (jars, data, logs, pids): $STACK_DIR or <root>/.stack. */
export function stackDir(): string {
  return process.env['STACK_DIR'] || join(repoRoot(), '.stack');
}
