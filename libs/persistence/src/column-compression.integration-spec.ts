import { randomBytes } from 'crypto';
import type { DataSource } from 'typeorm';

import { compressWithDefault, compressWithLz4 } from './column-compression';
import { createServiceDataSource } from './data-source';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** What a migration's `compressWithLz4` does to a column, on a real PostgreSQL. */
describe('column compression (real PostgreSQL)', () => {
  const schema = `lz4_${randomBytes(4).toString('hex')}`;
  let ds: DataSource;

  beforeAll(async () => {
    ds = createServiceDataSource({ url, schema, entities: [], migrations: [], poolSize: 1 });
    await ds.initialize();
    await ds.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await ds.query('CREATE TABLE outbox (seq bigserial PRIMARY KEY, payload text NOT NULL)');
  });

  afterAll(async () => {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  });

  /** How the last stored payload is compressed (null: stored as is). */
  const storedWith = async (): Promise<string | null> =>
    (
      (await ds.query(
        'SELECT pg_column_compression(payload) AS c FROM outbox ORDER BY seq DESC LIMIT 1',
      )) as {
        c: string | null;
      }[]
    )[0].c;

  // A JSON text of ~100 KB that compresses well, as records messages do.
  const payload = JSON.stringify(
    Array.from({ length: 1500 }, (_, i) => ({ naturalKey: `B2B|INV-${i}`, change: 'added', hash: `h${i}` })),
  );

  it('stores values written after it with lz4, and with pglz again after compressWithDefault', async () => {
    await ds.query('INSERT INTO outbox (payload) VALUES ($1)', [payload]);
    expect(await storedWith()).toBe('pglz');

    await ds.transaction((m) => compressWithLz4(m.queryRunner!, 'outbox', 'payload'));
    await ds.query('INSERT INTO outbox (payload) VALUES ($1)', [payload]);
    expect(await storedWith()).toBe('lz4');
    const [{ back }] = (await ds.query('SELECT payload = $1 AS back FROM outbox ORDER BY seq DESC LIMIT 1', [
      payload,
    ])) as { back: boolean }[];
    expect(back).toBe(true);

    await ds.transaction((m) => compressWithDefault(m.queryRunner!, 'outbox', 'payload'));
    await ds.query('INSERT INTO outbox (payload) VALUES ($1)', [payload]);
    expect(await storedWith()).toBe('pglz');
  });
});
