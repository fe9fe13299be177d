import { randomBytes } from 'node:crypto';

import { MessagingMigrations } from '@practice-sync/messaging';
import { migratedSchema } from '@practice-sync/testing';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { ConnectorKitMigrations } from '../migrations/1763769700000-CreateConnectorTables';
import { AccessStore } from './access-store';
import { CredentialCipher } from './credential-cipher';

/**
 * The access store's read-ahead on a real PostgreSQL: one statement for a claim's identifiers, jobs answered
 * from it while fresh, and never an older row than this process wrote.
 */
describe('access store read-ahead (real PostgreSQL)', () => {
  let ds: DataSource;
  const cipher = new CredentialCipher([{ id: 'k1', key: randomBytes(32) }], 'k1');
  /** Statements the store sent to portal_access. */
  let reads: string[] = [];
  let clock = 1_000_000;
  /** While set, a read-ahead's answer is held here after PostgreSQL gave it (a slow answer racing a write). */
  let holdReadAhead: Promise<void> | null = null;

  beforeAll(async () => {
    ({ dataSource: ds } = await migratedSchema('connector_access', [
      ...MessagingMigrations,
      ...ConnectorKitMigrations,
    ]));
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  /** A store over the real data source, counting the SELECTs it sends and reading the time from `clock`. */
  function storeWith(readAheadMs: number): AccessStore {
    const counting = Object.create(ds) as DataSource;
    counting.query = (async (sql: string, params?: unknown[]) => {
      if (/^\s*SELECT/i.test(sql)) reads.push(sql);
      const rows: unknown = await ds.query(sql, params);
      if (holdReadAhead && sql.includes('unnest')) await holdReadAhead;
      return rows;
    }) as DataSource['query'];
    reads = [];
    return new AccessStore(counting, cipher, 60_000, readAheadMs, () => clock);
  }

  const saved = (store: AccessStore, firmId: string, identifier: string, username: string) =>
    store.put(firmId, 'gst', identifier, {
      secret: { username },
      session: { authToken: `token-${username}` },
      status: 'ok',
      detail: null,
    });

  it("reads a claim's identifiers in one statement and answers each job from it, stored or not", async () => {
    const store = storeWith(2000);
    const firm = uuidv7();
    await saved(store, firm, '27AAACR5055K1Z7', 'alpha');
    await saved(store, firm, '29AAACR5055K1Z5', 'beta');
    reads = [];

    await store.readAhead('gst', [
      { firmId: firm, identifier: '27AAACR5055K1Z7' },
      { firmId: firm, identifier: '29AAACR5055K1Z5' },
      { firmId: firm, identifier: '27AAACR5055K1Z7' },
      { firmId: firm, identifier: '07AAACR5055K1Z1' },
    ]);
    expect(reads).toHaveLength(1);

    const a = await store.getForJob<{ username: string }, { authToken: string }>(
      firm,
      'gst',
      '27AAACR5055K1Z7',
    );
    const b = await store.getForJob<{ username: string }, unknown>(firm, 'gst', '29AAACR5055K1Z5');
    const none = await store.getForJob(firm, 'gst', '07AAACR5055K1Z1');
    expect(a?.secret?.username).toBe('alpha');
    expect(a?.session?.authToken).toBe('token-alpha');
    expect(b?.secret?.username).toBe('beta');
    expect(none).toBeNull();
    // Nothing else was read: the jobs were answered from the read-ahead.
    expect(reads).toHaveLength(1);
    // Another firm's row with the same identifier is not this firm's.
    expect(await store.getForJob(uuidv7(), 'gst', '27AAACR5055K1Z7')).toBeNull();
    expect(reads).toHaveLength(2);
  });

  it('reads again once the read-ahead is older than its limit', async () => {
    const store = storeWith(2000);
    const firm = uuidv7();
    await store.readAhead('gst', [{ firmId: firm, identifier: '27AAACR5055K1Z7' }]);
    expect(await store.getForJob(firm, 'gst', '27AAACR5055K1Z7')).toBeNull();
    expect(reads).toHaveLength(1);
    // Stored elsewhere (another replica) after the read-ahead: seen once the read-ahead has expired.
    await saved(storeWith(0), firm, '27AAACR5055K1Z7', 'gamma');
    reads = [];
    clock += 2001;
    const now = await store.getForJob<{ username: string }, unknown>(firm, 'gst', '27AAACR5055K1Z7');
    expect(now?.secret?.username).toBe('gamma');
    expect(reads).toHaveLength(1);
  });

  it('never answers with an older row than this process wrote, even from a read-ahead begun before', async () => {
    const store = storeWith(2000);
    const firm = uuidv7();
    await saved(store, firm, '27AAACR5055K1Z7', 'old');
    await store.readAhead('gst', [{ firmId: firm, identifier: '27AAACR5055K1Z7' }]);
    // A refresh written by this process replaces what was read ahead.
    await saved(store, firm, '27AAACR5055K1Z7', 'new');
    const after = await store.getForJob<{ username: string }, unknown>(firm, 'gst', '27AAACR5055K1Z7');
    expect(after?.secret?.username).toBe('new');

    // A read-ahead racing a write: it read the row before the write and is answered after it (held), so
    // what it read is not kept.
    let release = (): void => undefined;
    holdReadAhead = new Promise((resolve) => (release = resolve));
    const racing = store.readAhead('gst', [{ firmId: firm, identifier: '27AAACR5055K1Z7' }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await saved(store, firm, '27AAACR5055K1Z7', 'newest');
    release();
    await racing;
    holdReadAhead = null;
    reads = [];
    const latest = await store.getForJob<{ username: string }, unknown>(firm, 'gst', '27AAACR5055K1Z7');
    expect(latest?.secret?.username).toBe('newest');
    expect(reads).toHaveLength(1);
  });

  it('with the read-ahead off (0), sends nothing ahead and every job reads its own', async () => {
    const store = storeWith(0);
    const firm = uuidv7();
    await store.readAhead('gst', [{ firmId: firm, identifier: '27AAACR5055K1Z7' }]);
    expect(reads).toHaveLength(0);
    await store.getForJob(firm, 'gst', '27AAACR5055K1Z7');
    await store.getForJob(firm, 'gst', '27AAACR5055K1Z7');
    expect(reads).toHaveLength(2);
  });
});
