import type { ClientRecordsChanged, RecordChange } from '@practice-sync/contracts';
import { createServiceDataSource, runServiceMigrations } from '@practice-sync/persistence';
import { testInfra } from '@practice-sync/testing';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { clientMasterDataSourceOptions } from '../client-master-data-source';
import type { AppliedChange } from './apply-records';
import { applyRecords, applyRecordsChunk } from './apply-records';

/** applyRecords on real PostgreSQL: what it stores, what it puts in the change feed, and what it returns. */
describe('applyRecords', () => {
  const options = clientMasterDataSourceOptions({ DATABASE_URL: testInfra().databaseUrl });
  let ds: DataSource;
  const firmId = uuidv7();
  let clientId: string;

  beforeAll(async () => {
    await runServiceMigrations(options);
    ds = createServiceDataSource({ ...options, poolSize: 2 });
    await ds.initialize();
  });

  beforeEach(async () => {
    clientId = uuidv7();
    await ds.query(`INSERT INTO clients (id, firm_id, name) VALUES ($1, $2, 'Records Co')`, [
      clientId,
      firmId,
    ]);
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  type Period = string | null;
  const subject = { kind: 'gstin' as const, value: '27AAACR5055K1Z7' };

  function chunkOf(changes: RecordChange[], opts: { jobId?: string; period?: Period } = {}) {
    return {
      jobId: opts.jobId ?? uuidv7(),
      runId: uuidv7(),
      clientId,
      category: 'gst.gstr2b',
      subject,
      period: opts.period === undefined ? '042025' : opts.period,
      attempt: 1,
      chunk: { index: 0, count: 1 },
      changes,
    } satisfies ClientRecordsChanged;
  }

  const put = (naturalKey: string, hash: string, change: 'added' | 'updated' = 'added'): RecordChange => ({
    naturalKey,
    change,
    hash,
    data: { naturalKey, hash, note: 'quote " backslash \\ unicode ₹' },
  });
  const remove = (naturalKey: string): RecordChange => ({
    naturalKey,
    change: 'removed',
    hash: null,
    data: null,
  });

  const apply = (chunk: ClientRecordsChanged, at = new Date()) =>
    ds.transaction((manager) => applyRecords(manager, firmId, chunk, at));
  const newClient = async (): Promise<string> => {
    const id = uuidv7();
    await ds.query(`INSERT INTO clients (id, firm_id, name) VALUES ($1, $2, 'Records Co')`, [id, firmId]);
    return id;
  };
  const summary = (applied: AppliedChange[]) =>
    applied.map((a) => [a.change.naturalKey, a.kind, a.change.hash]);

  type Row = {
    natural_key: string;
    period: Period;
    version: number;
    hash: string | null;
    data: unknown;
    removed: boolean;
  };
  const records = async (): Promise<Row[]> =>
    ds.query(
      `SELECT natural_key, period, version, hash, data, removed_at IS NOT NULL AS removed
         FROM records WHERE client_id = $1 ORDER BY natural_key, period`,
      [clientId],
    );
  const feed = async (): Promise<[string, string, Period][]> =>
    (
      (await ds.query(
        'SELECT natural_key, change, period FROM record_changes WHERE client_id = $1 ORDER BY id',
        [clientId],
      )) as { natural_key: string; change: string; period: Period }[]
    ).map((r) => [r.natural_key, r.change, r.period]);

  it('adds, updates, ignores an unchanged record, removes and re-adds it, one feed row per real change', async () => {
    expect(summary(await apply(chunkOf([put('K', 'h1')])))).toEqual([['K', 'added', 'h1']]);
    expect(summary(await apply(chunkOf([put('K', 'h2', 'updated')])))).toEqual([['K', 'updated', 'h2']]);
    expect(await records()).toEqual([
      expect.objectContaining({ natural_key: 'K', version: 2, hash: 'h2', removed: false }),
    ]);
    expect((await records())[0].data).toEqual(put('K', 'h2').data);

    // Same hash again, whatever the connector called it: nothing changes.
    expect(await apply(chunkOf([put('K', 'h2', 'updated')]))).toEqual([]);
    expect(await apply(chunkOf([put('K', 'h2', 'added')]))).toEqual([]);
    expect(await records()).toEqual([expect.objectContaining({ version: 2 })]);

    expect(summary(await apply(chunkOf([remove('K')])))).toEqual([['K', 'removed', null]]);
    expect(await records()).toEqual([
      expect.objectContaining({ natural_key: 'K', version: 3, hash: null, data: null, removed: true }),
    ]);
    expect(await apply(chunkOf([remove('K')]))).toEqual([]); // already removed

    // Reappearing, even with its old hash, is `added` again.
    expect(summary(await apply(chunkOf([put('K', 'h2')])))).toEqual([['K', 'added', 'h2']]);
    expect(await records()).toEqual([
      expect.objectContaining({ natural_key: 'K', version: 4, hash: 'h2', removed: false }),
    ]);
    expect(await feed()).toEqual([
      ['K', 'added', '042025'],
      ['K', 'updated', '042025'],
      ['K', 'removed', '042025'],
      ['K', 'added', '042025'],
    ]);
  });

  it('applies a mixed chunk in one go and reports and feeds it in chunk order', async () => {
    await apply(chunkOf([put('A', 'a1'), put('B', 'b1'), put('C', 'c1')]));
    const applied = await apply(
      chunkOf([
        put('D', 'd1'),
        remove('B'),
        put('A', 'a2', 'updated'),
        put('C', 'c1'),
        remove('Z'),
        put('E', 'e1'),
      ]),
    );
    expect(summary(applied)).toEqual([
      ['D', 'added', 'd1'],
      ['B', 'removed', null],
      ['A', 'updated', 'a2'],
      ['E', 'added', 'e1'],
    ]);
    expect((await feed()).slice(3).map(([k, c]) => [k, c])).toEqual([
      ['D', 'added'],
      ['B', 'removed'],
      ['A', 'updated'],
      ['E', 'added'],
    ]);
  });

  it('applies a key given twice in one chunk once, as its last change, at that position', async () => {
    await apply(chunkOf([put('OLD', 'o1')]));
    const applied = await apply(
      chunkOf([
        put('K', 'k1'),
        put('OLD', 'o2', 'updated'),
        put('L', 'l1'),
        put('K', 'k2', 'updated'),
        remove('OLD'),
      ]),
    );
    expect(summary(applied)).toEqual([
      ['L', 'added', 'l1'],
      ['K', 'added', 'k2'],
      ['OLD', 'removed', null],
    ]);
    const byKey = new Map((await records()).map((r) => [r.natural_key, r]));
    expect(byKey.get('K')).toMatchObject({ version: 1, hash: 'k2' });
    expect(byKey.get('OLD')).toMatchObject({ version: 2, hash: null, removed: true });

    // Added then removed within one chunk: the removal wins, and there was nothing to remove.
    expect(await apply(chunkOf([put('GONE', 'g1'), remove('GONE')]))).toEqual([]);
    expect(byKey.has('GONE')).toBe(false);
    expect((await records()).some((r) => r.natural_key === 'GONE')).toBe(false);
  });

  it('changes nothing and feeds nothing when the same chunk is applied again or re-published', async () => {
    await apply(chunkOf([put('A', 'a1'), put('B', 'b1')]));
    const chunk = chunkOf([put('A', 'a2', 'updated'), remove('B'), put('C', 'c1')]);
    expect(await apply(chunk)).toHaveLength(3);
    const [storedBefore, feedBefore] = [await records(), await feed()];
    expect(await apply(chunk)).toEqual([]); // redelivered: same job
    expect(await apply({ ...chunk, jobId: uuidv7() })).toEqual([]); // re-published by another job
    expect(await records()).toEqual(storedBefore);
    expect(await feed()).toEqual(feedBefore);
  });

  it('keeps a job from feeding one key twice, and keeps cells with and without a period apart', async () => {
    const jobId = uuidv7();
    await apply(chunkOf([put('K', 'k1')], { jobId }));
    // The same job changes the record again (e.g. a later chunk of it): stored, but not fed or reported twice.
    expect(await apply(chunkOf([put('K', 'k2', 'updated')], { jobId }))).toEqual([]);
    expect(await records()).toEqual([expect.objectContaining({ natural_key: 'K', version: 2, hash: 'k2' })]);

    await apply(chunkOf([put('K', 'n1')], { period: null }));
    expect(summary(await apply(chunkOf([remove('K')], { period: null })))).toEqual([['K', 'removed', null]]);
    expect((await records()).map((r) => [r.natural_key, r.period, r.removed])).toEqual([
      ['K', '042025', false],
      ['K', null, true],
    ]);
    expect(summary(await apply(chunkOf([remove('K')])))).toEqual([['K', 'removed', null]]);
    expect(await feed()).toEqual([
      ['K', 'added', '042025'],
      ['K', 'added', null],
      ['K', 'removed', null],
      ['K', 'removed', '042025'],
    ]);
  });

  it('gives a mixed chunk the same records, versions and feed as applying its changes one chunk each', async () => {
    // Two clients with the same history: one gets each change in a chunk of its own, the other one chunk.
    const history = [[put('A', 'a1'), put('B', 'b1'), put('C', 'c1'), put('D', 'd1')], [remove('D')]];
    const mixed = [
      put('N1', 'n1'), // new
      put('A', 'a1', 'updated'), // unchanged (same hash)
      put('B', 'b2', 'updated'), // changed
      remove('C'), // removed
      put('D', 'd1'), // reappears with its old hash
      remove('GONE'), // never stored
      put('N2', 'n2'), // new
      put('B', 'b2', 'updated'), // the same change again, later in the chunk
    ];
    const setBased = await newClient();
    const oneByOne = await newClient();
    // A job is one client's (the feed is unique per job and key): the same history, jobs of each client's own.
    const jobs = new Map([setBased, oneByOne].map((c) => [c, [...history, mixed].map(() => uuidv7())]));
    const at = new Date('2030-01-02T10:00:00.000Z');
    const run = (client: string, changes: RecordChange[], job: number) =>
      ds.transaction((manager) =>
        applyRecords(
          manager,
          firmId,
          { ...chunkOf(changes, { jobId: jobs.get(client)?.[job] }), clientId: client },
          at,
        ),
      );
    for (const [i, changes] of history.entries()) {
      await run(setBased, changes, i);
      await run(oneByOne, changes, i);
    }
    const mixedJob = history.length;
    const applied = summary(await run(setBased, mixed, mixedJob));
    const appliedOneByOne: unknown[] = [];
    for (const change of mixed) appliedOneByOne.push(...summary(await run(oneByOne, [change], mixedJob)));

    // One by one, B's repeated change finds it stored; in one chunk, B is applied once, at its last position.
    expect(applied).toEqual([
      ['N1', 'added', 'n1'],
      ['C', 'removed', null],
      ['D', 'added', 'd1'],
      ['N2', 'added', 'n2'],
      ['B', 'updated', 'b2'],
    ]);
    expect(appliedOneByOne).toEqual([
      ['N1', 'added', 'n1'],
      ['B', 'updated', 'b2'],
      ['C', 'removed', null],
      ['D', 'added', 'd1'],
      ['N2', 'added', 'n2'],
    ]);
    const stored = async (client: string) =>
      ds.query(
        `SELECT natural_key, version, hash, data, first_seen_at, last_seen_at, removed_at FROM records
          WHERE client_id = $1 ORDER BY natural_key`,
        [client],
      );
    const fed = async (client: string) =>
      (
        (await ds.query(
          `SELECT job_id, natural_key, change, at FROM record_changes WHERE client_id = $1
            ORDER BY job_id, natural_key`,
          [client],
        )) as { job_id: string; natural_key: string; change: string; at: Date }[]
      ).map((r) => [jobs.get(client)?.indexOf(r.job_id), r.natural_key, r.change, r.at.toISOString()]);
    expect(await stored(setBased)).toEqual(await stored(oneByOne));
    expect(await fed(setBased)).toEqual(await fed(oneByOne));
    expect(
      (await stored(setBased)).map((r: { natural_key: string; version: number }) => [
        r.natural_key,
        r.version,
      ]),
    ).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 2],
      ['D', 3],
      ['N1', 1],
      ['N2', 1],
    ]);
  });

  it('writes nothing for a client the firm does not have, and says so', async () => {
    const stranger = uuidv7();
    const result = await ds.transaction((manager) =>
      applyRecordsChunk(
        manager,
        firmId,
        { ...chunkOf([put('K', 'k1'), remove('L')]), clientId: stranger },
        new Date(),
      ),
    );
    expect(result).toEqual({ known: false, applied: [] });
    // Nor for a client of another firm.
    const otherFirm = await ds.transaction((manager) =>
      applyRecordsChunk(manager, uuidv7(), chunkOf([put('K', 'k1')]), new Date()),
    );
    expect(otherFirm).toEqual({ known: false, applied: [] });
    expect(await records()).toEqual([]);
    expect(await feed()).toEqual([]);
  });

  it('keeps the last time its cell saw a record when it is removed', async () => {
    const addedAt = new Date('2030-01-01T10:00:00.000Z');
    await apply(chunkOf([put('K', 'k1'), put('L', 'l1')]), addedAt);
    // A later complete fetch of the cell saw both records unchanged.
    await ds.query(
      `INSERT INTO status_cells (firm_id, client_id, category, subject_kind, subject_value, period, last_outcome,
                                 last_run_id, last_job_id, last_finished_at, last_success_at, records_seen_at)
       VALUES ($1, $2, 'gst.gstr2b', 'gstin', $3, '042025', 'no_change', $4, $4, $5, $5, $5)`,
      [firmId, clientId, subject.value, uuidv7(), new Date('2030-01-02T10:00:00.000Z')],
    );
    await apply(chunkOf([remove('K')]), new Date('2030-01-03T10:00:00.000Z'));
    const rows = (await ds.query(
      `SELECT natural_key, last_seen_at, removed_at FROM records WHERE client_id = $1 ORDER BY natural_key`,
      [clientId],
    )) as { natural_key: string; last_seen_at: Date; removed_at: Date | null }[];
    expect(
      rows.map((r) => [r.natural_key, r.last_seen_at.toISOString(), r.removed_at?.toISOString() ?? null]),
    ).toEqual([
      ['K', '2030-01-02T10:00:00.000Z', '2030-01-03T10:00:00.000Z'],
      ['L', addedAt.toISOString(), null], // live: its "last seen" is derived from the cell when read
    ]);
  });
});
