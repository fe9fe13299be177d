import { Client } from 'pg';

/** A database of its own for one test file (services use fixed schema names), dropped by `drop()`. */
export async function createScratchDatabase(
  baseUrl: string,
  name: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const database = name
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 60);
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${database}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`) };
}
