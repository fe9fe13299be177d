import { Logger } from '@nestjs/common';
import { randomBytes } from 'crypto';
import type { DataSource } from 'typeorm';

import { createServiceDataSource } from './data-source';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The statements the session of `query`'s connection has prepared (its own view of pg_prepared_statements). */
const PREPARED = 'SELECT statement FROM pg_prepared_statements WHERE NOT from_sql';

describe('prepared statements (real PostgreSQL)', () => {
  let schema: string;
  const sources: DataSource[] = [];

  async function open(preparedStatements?: number): Promise<DataSource> {
    // One connection, so every statement of a test runs in the same session.
    const ds = createServiceDataSource({
      url,
      schema,
      entities: [],
      migrations: [],
      poolSize: 1,
      ...(preparedStatements === undefined ? {} : { preparedStatements }),
    });
    await ds.initialize();
    sources.push(ds);
    await ds.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    return ds;
  }

  beforeEach(() => {
    schema = `prep_${randomBytes(4).toString('hex')}`;
  });

  afterEach(async () => {
    const ds = sources[0];
    if (ds) await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    for (const s of sources.splice(0)) await s.destroy();
  });

  it('prepares a parameterised statement from its second run on, with the same results', async () => {
    const ds = await open();
    await ds.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
    await ds.query(`INSERT INTO items VALUES (1, 'one'), (2, 'two')`);
    const text = 'SELECT name FROM items WHERE id = $1';
    expect(await ds.query(text, [1])).toEqual([{ name: 'one' }]);
    expect((await ds.query(PREPARED)) as unknown[]).toEqual([]);
    expect(await ds.query(text, [2])).toEqual([{ name: 'two' }]);
    expect(await ds.query(text, [1])).toEqual([{ name: 'one' }]);
    expect(await ds.query(text, [3])).toEqual([]);
    const prepared = (await ds.query(PREPARED)) as { statement: string }[];
    expect(prepared.map((p) => p.statement)).toEqual([text]);
  });

  it('leaves statements without parameters, several statements in one text among them, unprepared', async () => {
    const ds = await open();
    for (let i = 0; i < 3; i++) {
      await ds.query('CREATE TABLE IF NOT EXISTS a (id int); CREATE TABLE IF NOT EXISTS b (id int)');
      await ds.query('SELECT count(*) FROM a');
    }
    expect((await ds.query(PREPARED)) as unknown[]).toEqual([]);
  });

  it('prepares nothing when turned off (preparedStatements: 0)', async () => {
    const ds = await open(0);
    for (let i = 0; i < 3; i++) expect(await ds.query('SELECT $1::int AS n', [i])).toEqual([{ n: i }]);
    expect((await ds.query(PREPARED)) as unknown[]).toEqual([]);
  });

  it('prepares at most the configured number of distinct texts', async () => {
    const ds = await open(2);
    for (let i = 0; i < 2; i++) {
      for (const k of [1, 2, 3]) await ds.query(`SELECT $1::int + ${k} AS n`, [i]);
    }
    const prepared = (await ds.query(PREPARED)) as { statement: string }[];
    expect(prepared.map((p) => p.statement).sort()).toEqual([
      'SELECT $1::int + 1 AS n',
      'SELECT $1::int + 2 AS n',
    ]);
    expect(await ds.query('SELECT $1::int + 3 AS n', [1])).toEqual([{ n: 4 }]);
  });

  it('after a migration changes what a prepared statement returns, fails that run once, then prepares it afresh', async () => {
    const ds = await open();
    await ds.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
    await ds.query(`INSERT INTO items VALUES (1, 'one')`);
    const text = 'SELECT * FROM items WHERE id = $1';
    await ds.query(text, [1]);
    expect(await ds.query(text, [1])).toEqual([{ id: 1, name: 'one' }]);
    await ds.query(`ALTER TABLE items ADD COLUMN note text NOT NULL DEFAULT 'new'`);
    // PostgreSQL refuses the old statement: its result columns changed.
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await expect(ds.query(text, [1])).rejects.toThrow(/cached plan must not change result type/);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('1 prepared statements retired'));
    warn.mockRestore();
    // The names were retired: the text runs unnamed once, then is prepared under a new name.
    expect(await ds.query(text, [1])).toEqual([{ id: 1, name: 'one', note: 'new' }]);
    expect(await ds.query(text, [1])).toEqual([{ id: 1, name: 'one', note: 'new' }]);
    const prepared = (await ds.query(PREPARED)) as { statement: string }[];
    expect(prepared.filter((p) => p.statement === text)).toHaveLength(2);
  });

  it('rejects a negative or fractional limit with what to set instead', () => {
    expect(() =>
      createServiceDataSource({ url, schema, entities: [], migrations: [], preparedStatements: -1 }),
    ).toThrow(/preparedStatements must be a whole number ≥ 0/);
  });
});
