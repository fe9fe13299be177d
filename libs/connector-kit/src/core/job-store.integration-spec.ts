import { MessagingMigrations, ProcessLiveness } from '@practice-sync/messaging';
import { migratedSchema, waitFor } from '@practice-sync/testing';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { ConnectorKitMigrations } from '../migrations/1763769700000-CreateConnectorTables';
import type { RecordedJob } from './job-store';
import { JobStore, recordJob } from './job-store';

/**
 * Taking over the jobs of dead workers on a real PostgreSQL: a worker is alive while its liveness session is
 * (two `ProcessLiveness` sessions stand for two connector processes); the lease is long, so anything taken
 * over before it ran out was taken because its worker was known dead, not because the lease expired.
 */
describe('JobStore: jobs of dead workers (real PostgreSQL)', () => {
  const LONG_LEASE_MS = 600_000;
  let ds: DataSource;
  let a: ProcessLiveness;
  let b: ProcessLiveness;

  beforeAll(async () => {
    ({ dataSource: ds } = await migratedSchema('connector_kit', [
      ...MessagingMigrations,
      ...ConnectorKitMigrations,
    ]));
    // No re-opening during the test: a dropped session stays dropped.
    a = new ProcessLiveness(ds, { checkIntervalMs: 3_600_000 });
    b = new ProcessLiveness(ds, { checkIntervalMs: 3_600_000 });
    await a.start();
    await b.start();
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await ds?.destroy();
  });

  const job = (): RecordedJob => ({
    jobId: uuidv7(),
    attempt: 1,
    runId: uuidv7(),
    clientId: uuidv7(),
    firmId: uuidv7(),
    category: 'esign.signature_timestamps',
    subject: { kind: 'esignClientFileId', value: 'file-1' },
    period: null,
  });
  const firmA = uuidv7();
  const firmB = uuidv7();
  const row = async (rowId: string) =>
    (
      (await ds.query(
        `SELECT status, worker_id, claim_count, lease_expires_at > now() AS lease_running
           FROM connector_jobs WHERE id = $1`,
        [rowId],
      )) as { status: string; worker_id: string | null; claim_count: number; lease_running: boolean }[]
    )[0];

  it('never takes a live worker’s jobs, and takes a dead one’s at once, before its lease runs out', async () => {
    const storeA = new JobStore(ds, a, LONG_LEASE_MS);
    const storeB = new JobStore(ds, b, LONG_LEASE_MS);
    await ds.transaction(async (m) => {
      await recordJob(m, job(), uuidv7());
      await recordJob(m, job(), uuidv7());
    });
    const [heldByA] = await storeA.claim(1);
    const [heldByB] = await storeB.claim(1);
    expect(heldByA.rowId).not.toBe(heldByB.rowId);

    // Both alive: each sweep leaves the other's job alone.
    expect(await storeA.releaseDead()).toEqual([]);
    expect(await storeB.releaseDead()).toEqual([]);
    expect(await storeB.claim(5)).toEqual([]);
    expect(await row(heldByA.rowId)).toMatchObject({ status: 'running', worker_id: a.id, claim_count: 1 });
    expect(await row(heldByB.rowId)).toMatchObject({ status: 'running', worker_id: b.id, claim_count: 1 });

    // A's process dies: its session ends (as PostgreSQL sees a SIGKILLed process's socket close).
    const deadId = a.id ?? '';
    const pid = Number(deadId.split(':')[1]);
    await ds.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitFor(
      async () =>
        !((await ds.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])) as unknown[]).length,
      { description: 'the dead worker’s session to end' },
    );
    expect(await row(heldByA.rowId)).toMatchObject({ status: 'running', lease_running: true });

    expect(await storeB.releaseDead()).toEqual([heldByA.rowId]);
    const [taken] = await storeB.claim(5);
    expect(taken).toMatchObject({ rowId: heldByA.rowId, claimCount: 2 });
    expect(await row(heldByA.rowId)).toMatchObject({ status: 'running', worker_id: b.id, claim_count: 2 });
    // B's own job was never touched.
    expect(await row(heldByB.rowId)).toMatchObject({ worker_id: b.id, claim_count: 1 });
  });

  it('never claims one job twice when claimers race (a claim committed after another claimer’s snapshot)', async () => {
    // Two firms' backlogs, claimed by six stores at once (two processes, three pools' worth each): a claim that
    // commits between another claimer's snapshot and its row lock must make that claimer skip the row, not take
    // it again (the row's own status is re-checked under the lock).
    const jobs = Array.from({ length: 400 }, (_, i) => ({ ...job(), firmId: i % 2 ? firmA : firmB }));
    await ds.transaction(async (m) => {
      for (const j of jobs) await recordJob(m, j, uuidv7());
    });
    const stores = [a, b, a, b, a, b].map((id) => new JobStore(ds, id, LONG_LEASE_MS));
    const claimedBy = new Map<string, number>();
    await Promise.all(
      stores.map(async (store) => {
        for (;;) {
          const claimed = await store.claim(2);
          if (!claimed.length) return;
          for (const c of claimed) claimedBy.set(c.rowId, (claimedBy.get(c.rowId) ?? 0) + 1);
        }
      }),
    );
    const rows = (await ds.query(
      `SELECT claim_count, count(*)::int AS n FROM connector_jobs WHERE job_id = ANY($1::uuid[]) GROUP BY claim_count`,
      [jobs.map((j) => j.jobId)],
    )) as { claim_count: number; n: number }[];
    expect(rows).toEqual([{ claim_count: 1, n: jobs.length }]);
    expect([...claimedBy.values()].filter((n) => n > 1)).toEqual([]);
    expect(claimedBy.size).toBe(jobs.length);
  });

  it('leaves a job held under an id of another form (an older version) to its lease', async () => {
    await ds.transaction((m) => recordJob(m, job(), uuidv7()));
    const old = new JobStore(ds, 'f3b7c1d2-0000-4000-8000-000000000000', LONG_LEASE_MS);
    const [held] = await old.claim(1);
    expect(held).toBeDefined();
    expect(await new JobStore(ds, b, LONG_LEASE_MS).releaseDead()).not.toContain(held.rowId);
    expect(await row(held.rowId)).toMatchObject({ status: 'running', claim_count: 1 });
  });
});

/** Firms take turns at the claim, on a real PostgreSQL (a queue of its own: nothing else claims from it). */
describe('JobStore: firms take turns (real PostgreSQL)', () => {
  let ds: DataSource;
  let store: JobStore;

  beforeAll(async () => {
    ({ dataSource: ds } = await migratedSchema('connector_turns', [
      ...MessagingMigrations,
      ...ConnectorKitMigrations,
    ]));
    store = new JobStore(ds, 'worker-turns', 600_000);
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  /** Records one job of `firmId` named `name` (its client id carries the name back). */
  const names = new Map<string, string>();
  async function record(firmId: string, name: string): Promise<void> {
    const clientId = uuidv7();
    names.set(clientId, name);
    await ds.transaction((m) =>
      recordJob(
        m,
        {
          jobId: uuidv7(),
          attempt: 1,
          runId: uuidv7(),
          clientId,
          firmId,
          category: 'esign.signature_timestamps',
          subject: { kind: 'esignClientFileId', value: name },
          period: null,
        },
        uuidv7(),
      ),
    );
  }
  const claimed = async (limit: number) =>
    (await store.claim(limit)).map((c) => names.get(c.job.clientId) ?? '?').sort();

  it("claims a firm's one job before another firm's queue, and counts what each firm has running", async () => {
    const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
    for (let i = 1; i <= 40; i++) await record(a, `A${String(i).padStart(2, '0')}`);
    await record(b, 'B1');
    // A's oldest and B's only job both have turn 1: B is not left behind A's 40.
    expect(await claimed(2)).toEqual(['A01', 'B1']);

    // A and B each have one running: C's first job (turn 1) goes before A's next (turn 2), then A's.
    await record(c, 'C1');
    await record(c, 'C2');
    expect(await claimed(2)).toEqual(['A02', 'C1']);
    // Turns now: A03 = 2 running + 1, C2 = 1 running + 1; B has nothing open.
    expect(await claimed(1)).toEqual(['C2']);
    // Only A is left: its oldest, in order, however many are asked for.
    expect(await claimed(5)).toEqual(['A03', 'A04', 'A05', 'A06', 'A07']);
    expect(await claimed(100)).toHaveLength(33);
    expect(await claimed(10)).toEqual([]);
  });
});
