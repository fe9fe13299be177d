import { MessagingMigrations } from '@practice-sync/messaging';
import { migratedSchema } from '@practice-sync/testing';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { ConnectorKitMigrations } from '../migrations/1763769700000-CreateConnectorTables';
import { combinedHash } from './record-hash';
import type { SnapshotKey } from './snapshot-store';
import { loadSnapshot, saveSnapshot } from './snapshot-store';

/** The snapshot store on a real PostgreSQL: what a fetch's finish writes, changed or not. */
describe('snapshot store (real PostgreSQL)', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ({ dataSource: ds } = await migratedSchema('connector_kit', [
      ...MessagingMigrations,
      ...ConnectorKitMigrations,
    ]));
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  it('compresses snapshots and outbox payloads with lz4 (the migrations)', async () => {
    const rows = (await ds.query(
      `SELECT c.relname, a.attcompression AS compression FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.oid IN ('snapshots'::regclass, 'outbox'::regclass) AND a.attname IN ('records', 'payload')
        ORDER BY 1`,
    )) as { relname: string; compression: string }[];
    expect(rows).toEqual([
      { relname: 'outbox', compression: 'l' },
      { relname: 'snapshots', compression: 'l' },
    ]);
  });

  const key = (): SnapshotKey => ({
    firmId: uuidv7(),
    clientId: uuidv7(),
    subjectKind: 'gstin',
    subjectValue: '27AAACR5055K1Z7',
    category: 'gst.gstr2b',
    period: '042025',
  });
  type Row = {
    combined_hash: string;
    record_count: number;
    records: Record<string, string>;
    job_id: string;
    fetched_at: Date;
  };
  const row = async (k: SnapshotKey): Promise<Row> =>
    (
      (await ds.query(
        'SELECT combined_hash, record_count, records, job_id, fetched_at FROM snapshots WHERE client_id = $1',
        [k.clientId],
      )) as Row[]
    )[0];

  /** A job's finish: load, compare (here: take `next` as the fetch), save; with the statements it sent. */
  const finish = (k: SnapshotKey, next: (previous: Map<string, string> | null) => Map<string, string>) => {
    const jobId = uuidv7();
    const at = new Date();
    const sent: string[] = [];
    return ds.transaction(async (manager) => {
      const query = manager.query.bind(manager);
      manager.query = (sql: string, parameters?: unknown[]) => {
        sent.push(sql.replace(/\s+/g, ' ').trim().split(' ').slice(0, 3).join(' '));
        return query(sql, parameters);
      };
      const previous = await loadSnapshot(manager, k);
      await saveSnapshot(manager, k, next(previous), jobId, at);
      return { jobId, at, previous, sent };
    });
  };

  const records = new Map([
    ['A', 'a1'],
    ['B', 'b1'],
  ]);

  it('stores the first fetch, a changed one, and for an unchanged one only the job and time', async () => {
    const k = key();
    const first = await finish(k, () => new Map(records));
    expect(first.previous).toBeNull();
    expect(await row(k)).toMatchObject({
      combined_hash: combinedHash(records),
      record_count: 2,
      records: Object.fromEntries(records),
      job_id: first.jobId,
    });

    // The same records again (the caller changing the map it loaded does not matter).
    const same = await finish(k, (previous) => {
      const copy = new Map(previous);
      previous?.set('A', 'tampered');
      return copy;
    });
    expect(same.previous).toEqual(new Map([...records, ['A', 'tampered']]));
    // The lock and the read in one statement; an unchanged snapshot's save writes only the job and time.
    expect(same.sent).toEqual(['SELECT load_snapshot_locked($1, $2,', 'UPDATE snapshots SET']);
    const unchanged = await row(k);
    expect(unchanged).toMatchObject({
      combined_hash: combinedHash(records),
      record_count: 2,
      records: Object.fromEntries(records),
      job_id: same.jobId,
      fetched_at: same.at,
    });

    // A change is stored whole.
    const changed = new Map([...records, ['C', 'c1']]);
    const third = await finish(k, () => changed);
    expect(third.sent.at(-1)).toBe('INSERT INTO snapshots');
    expect(await row(k)).toMatchObject({
      combined_hash: combinedHash(changed),
      record_count: 3,
      records: Object.fromEntries(changed),
      job_id: third.jobId,
    });
    // A removal too (same size as before, other content).
    const swapped = new Map([
      ['A', 'a1'],
      ['B', 'b1'],
      ['D', 'd1'],
    ]);
    await finish(k, () => swapped);
    expect((await row(k)).records).toEqual(Object.fromEntries(swapped));
  });

  it('makes a second finish of the same key wait for the first, and then read what it committed', async () => {
    const k = key();
    await finish(k, () => new Map(records));
    const changed = new Map([...records, ['C', 'c1']]);
    let saveFirst: () => void = () => undefined;
    const firstMayCommit = new Promise<void>((r) => (saveFirst = r));
    let firstLoaded: () => void = () => undefined;
    const loadedByFirst = new Promise<void>((r) => (firstLoaded = r));
    const first = ds.transaction(async (manager) => {
      await loadSnapshot(manager, k);
      firstLoaded();
      await firstMayCommit;
      await saveSnapshot(manager, k, changed, uuidv7(), new Date());
    });
    await loadedByFirst;
    let secondSaw: Map<string, string> | null | undefined;
    const second = ds.transaction(async (manager) => {
      secondSaw = await loadSnapshot(manager, k);
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(secondSaw).toBeUndefined(); // waiting for the first's lock
    saveFirst();
    await Promise.all([first, second]);
    // Not the snapshot as of the second's statement start: the one the first committed while it waited.
    expect(secondSaw).toEqual(changed);
  });

  it('keeps the snapshots of other keys apart, and saves without a load in the transaction', async () => {
    const k1 = key();
    const k2 = { ...k1, period: '052025' };
    await finish(k1, () => new Map(records));
    // Loaded k1, saved k2 with k1's content: k2 is new, so written whole.
    const jobId = uuidv7();
    await ds.transaction(async (manager) => {
      const previous = await loadSnapshot(manager, k1);
      await saveSnapshot(manager, k2, previous ?? new Map(), jobId, new Date());
    });
    expect(
      await ds.query('SELECT period, job_id FROM snapshots WHERE client_id = $1 ORDER BY period', [
        k1.clientId,
      ]),
    ).toEqual([
      { period: '042025', job_id: expect.any(String) },
      { period: '052025', job_id: jobId },
    ]);
    const k3 = key();
    await ds.transaction((manager) => saveSnapshot(manager, k3, records, jobId, new Date()));
    expect((await row(k3)).records).toEqual(Object.fromEntries(records));
  });
});
