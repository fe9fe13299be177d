import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface PrivatePostgresOptions {
  /** Default 15433. Never the shared server's 5432. */
  port?: number;
  /** Its directory (emptied on start; the postgres user must reach it). Default `<tmp>/practice-sync-chaos-pg-<port>`. */
  dir?: string;
  /** PostgreSQL's binaries. Default `CHAOS_PG_BIN`, else /usr/lib/postgresql/15/bin. */
  binDir?: string;
}

export interface PrivatePostgres {
  /** The server's `postgres` database (trust authentication, user postgres). */
  serverUrl: string;
  port: number;
  dir: string;
  /** `pg_ctl restart -m fast` (every connection ends, the server comes back on the same data). Returns ms. */
  restart(): Promise<number>;
  stop(): Promise<void>;
  /** Starts it again after `stop()`, on the same data. */
  start(): Promise<void>;
}

/**
 * A PostgreSQL cluster of this process's own (initdb + pg_ctl on its own port and data dir), so a chaos run may
 * restart the database without touching the server other runs share. Run as root, the binaries run as the
 * `postgres` user (initdb refuses root).
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const port = options.port ?? 15433;
  if (port === 5432) throw new Error('port: 5432 is the shared server; a private cluster needs its own port');
  const bin = options.binDir ?? process.env['CHAOS_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
  const dir = options.dir ?? join(tmpdir(), `practice-sync-chaos-pg-${port}`);
  const data = join(dir, 'data');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(data, { recursive: true });
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'], false)).trim());
    const gid = Number((await run('id', ['-g', 'postgres'], false)).trim());
    chownSync(dir, uid, gid);
    chownSync(data, uid, gid);
  }
  const pg = (tool: string, args: string[]) => run(join(bin, tool), args, asRoot);
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c max_connections=300`;
  const ctl = (args: string[]) =>
    pg('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '120', ...args]);
  await ctl(['-o', serverOptions, 'start']);
  return {
    serverUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    restart: async () => {
      const t = performance.now();
      await ctl(['-m', 'fast', '-o', serverOptions, 'restart']);
      return Math.round(performance.now() - t);
    },
    stop: async () => {
      await ctl(['-m', 'fast', 'stop']);
    },
    start: async () => {
      await ctl(['-o', serverOptions, 'start']);
    },
  };
}

function run(command: string, args: string[], asPostgres: boolean): Promise<string> {
  const [cmd, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')}: ${error.message} ${stderr.slice(-1000)}`));
      else resolve(stdout);
    });
  });
}
