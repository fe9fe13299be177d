import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { repoRoot } from './repo-root';

/**
 * Runs one of deploy/local/*.sh synchronously, its output on stderr (so jest's reporter stays readable).
 * Throws when the script fails.
 */
export function runLocalScript(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync('bash', [join(repoRoot(), 'deploy/local', script), ...args], {
    cwd: repoRoot(),
    env,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0) {
    throw new Error(
      `deploy/local/${script} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`,
    );
  }
}
