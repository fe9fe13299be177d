import type { SyncJobCompleted } from '@practice-sync/contracts';
import { createServiceDataSource, runServiceMigrations } from '@practice-sync/persistence';
import { testInfra } from '@practice-sync/testing';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { clientMasterDataSourceOptions } from '../client-master-data-source';
import { applyRecords } from '../records/apply-records';
import { applyResult } from './apply-result';

/** applyResult on real PostgreSQL: the status cell, and what a result costs the records of its cell. */
describe('applyResult', () => {
  const options = clientMasterDataSourceOptions({ DATABASE_URL: testInfra().databaseUrl });
  let ds: DataSource;
  const firmId = uuidv7();
  let clientId: string;
  const subject = { kind: 'gstin' as const, value: '27AAACR5055K1Z7' };
  const runId = uuidv7();

  beforeAll(async () => {
    await runServiceMigrations(options);
    ds = createServiceDataSource({ ...options, poolSize: 2 });
    await ds.initialize();
  });

  beforeEach(async () => {
    clientId = uuidv7();
    await ds.query(`INSERT INTO clients (id, firm_id, name) VALUES ($1, $2, 'Results Co')`, [
      clientId,
      firmId,
    ]);
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  const result = (
    outcome: SyncJobCompleted['outcome'],
    finishedAt: string,
    jobId = uuidv7(),
  ): SyncJobCompleted => ({
    jobId,
    runId,
    clientId,
    category: 'gst.gstr2b',
    subject,
    period: '042025',
    attempt: 1,
    outcome,
    errorCode: outcome === 'failed' ? 'portal_unavailable' : null,
    errorMessage: outcome === 'failed' ? 'The portal is down.' : null,
    retryable: false,
    counts: { added: 0, updated: 0, removed: 0, unchanged: 3 },
    startedAt: finishedAt,
    finishedAt,
  });
  const apply = (r: SyncJobCompleted) => ds.transaction((manager) => applyResult(manager, firmId, r));

  /** Each record's row version (`xmin` moves whenever the row is written) and stored "last seen". */
  const recordRows = async () =>
    (
      (await ds.query(
        `SELECT natural_key, xmin::text AS xmin, last_seen_at FROM records WHERE client_id = $1
          ORDER BY natural_key`,
        [clientId],
      )) as { natural_key: string; xmin: string; last_seen_at: Date }[]
    ).map((r) => [r.natural_key, r.xmin, r.last_seen_at.toISOString()]);
  const cell = async () =>
    (
      (await ds.query(
        `SELECT last_outcome, last_job_id, last_finished_at, last_success_at, records_seen_at, updated_at
           FROM status_cells WHERE client_id = $1`,
        [clientId],
      )) as Record<string, unknown>[]
    )[0];

  async function withRecords(): Promise<void> {
    await ds.transaction((manager) =>
      applyRecords(
        manager,
        firmId,
        {
          jobId: uuidv7(),
          runId,
          clientId,
          category: 'gst.gstr2b',
          subject,
          period: '042025',
          attempt: 1,
          chunk: { index: 0, count: 1 },
          changes: ['A', 'B', 'C'].map((k) => ({ naturalKey: k, change: 'added', hash: k, data: { k } })),
        },
        new Date('2030-01-01T10:00:00.000Z'),
      ),
    );
  }

  it('writes only the status cell for a no-change fetch, whatever the number of records', async () => {
    await withRecords();
    expect(await apply(result('succeeded', '2030-01-01T09:59:00.000Z'))).toMatchObject({
      outcome: 'succeeded',
    });
    const before = await recordRows();
    const change = await apply(result('no_change', '2030-01-02T10:00:00.000Z'));
    expect(change).toMatchObject({ outcome: 'no_change', lastSuccessAt: '2030-01-02T10:00:00.000Z' });
    expect(await recordRows()).toEqual(before); // not one record row written
    expect(await cell()).toMatchObject({
      last_outcome: 'no_change',
      last_success_at: new Date('2030-01-02T10:00:00.000Z'),
      records_seen_at: new Date('2030-01-02T10:00:00.000Z'),
    });
  });

  it('moves the cell forward only, while any complete fetch, even a late one, says when records were seen', async () => {
    await withRecords();
    expect(await apply(result('no_change', '2030-01-02T10:00:00.000Z'))).not.toBeNull();
    const failedJob = uuidv7();
    expect(await apply(result('failed', '2030-01-03T10:00:00.000Z', failedJob))).toMatchObject({
      outcome: 'failed',
      lastSuccessAt: '2030-01-02T10:00:00.000Z',
    });
    const afterFailure = await cell();
    expect(afterFailure).toMatchObject({
      last_job_id: failedJob,
      records_seen_at: new Date('2030-01-02T10:00:00.000Z'), // a failed fetch saw nothing
    });

    // An earlier attempt's success arriving late: the cell stays as the failure left it, but the records were
    // seen at that time (as when each record's "last seen" was moved by every successful result).
    expect(await apply(result('no_change', '2030-01-02T12:00:00.000Z'))).toBeNull();
    expect(await cell()).toEqual({ ...afterFailure, records_seen_at: new Date('2030-01-02T12:00:00.000Z') });

    // An even older one moves nothing; a redelivered result changes nothing either.
    const older = result('no_change', '2030-01-02T11:00:00.000Z');
    expect(await apply(older)).toBeNull();
    expect(await apply(older)).toBeNull();
    expect(await cell()).toEqual({ ...afterFailure, records_seen_at: new Date('2030-01-02T12:00:00.000Z') });
  });

  it('does not announce a result that leaves the cell as it was', async () => {
    const first = result('no_data', '2030-01-01T10:00:00.000Z');
    expect(await apply(first)).toMatchObject({ outcome: 'no_data' });
    expect(await apply(first)).toBeNull(); // the same result again
    // A later no_data changes the last success, which a reader sees.
    expect(await apply(result('no_data', '2030-01-02T10:00:00.000Z'))).toMatchObject({
      lastSuccessAt: '2030-01-02T10:00:00.000Z',
    });
  });
});
