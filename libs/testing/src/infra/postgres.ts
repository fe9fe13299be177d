import { Client } from 'pg';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function quoteIdent(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`refusing unusual database name "${name}"`);
  return `"${name}"`;
}

/** The same server and credentials as `url`, pointing at database `database`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

async function withClient<T>(url: string, timeoutMs: number, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // An unreachable server emits 'error' after connect() rejects; without a listener that would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when a server accepts a real connection and answers a query at `url` (not just an open port). */
export async function postgresAnswers(url: string, timeoutMs = 3000): Promise<boolean> {
  try {
    await withClient(url, timeoutMs, (c) => c.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

/** Creates database `name` on the server of `serverUrl` unless it exists. Returns true when it created it. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<boolean> {
  return withClient(withDatabase(serverUrl, 'postgres'), 5000, async (c) => {
    const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await c.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (e) {
      // 42P04 duplicate_database: a concurrent caller created it first, which is what we wanted.
      if ((e as { code?: string }).code === '42P04') return false;
      throw e;
    }
  });
}

/** Drops database `name`, disconnecting anyone still using it (services a test forgot to stop). */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(withDatabase(serverUrl, 'postgres'), 5000, (c) =>
    c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  );
}
