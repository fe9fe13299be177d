import { MessagingMigrations } from '@practice-sync/messaging';
import type { GroupOutcome, ServiceDataSourceOptions } from '@practice-sync/persistence';
import { createServiceDataSource, GroupCommit, statementCounts } from '@practice-sync/persistence';
import { migratedSchema } from '@practice-sync/testing';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { ConnectorKitMigrations } from '../migrations/1763769700000-CreateConnectorTables';
import { ConnectorMetrics } from './connector-metrics';
import { errorForFetchFailure } from './http-error-mapping';
import { JobRunner } from './job-runner';
import { JobStore, recordJob } from './job-store';
import type { ConnectorJob, PortalFetcher } from './portal-fetcher';
import { toRecord } from './record-hash';
import { upstreamOf } from './upstream';

/**
 * The finishing transaction of a job on a real PostgreSQL: a worker whose lease was taken over by another
 * worker writes nothing (no snapshot, no outbox row, job untouched); the new owner's result is the one kept.
 */
describe('JobRunner finishing (real PostgreSQL)', () => {
  let ds: DataSource;
  let options: ServiceDataSourceOptions;

  beforeAll(async () => {
    // The run's own database, from the integration project's global setup; a schema of this file's own in it.
    ({ dataSource: ds, options } = await migratedSchema('connector_kit', [
      ...MessagingMigrations,
      ...ConnectorKitMigrations,
    ]));
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  const job: ConnectorJob = {
    jobId: uuidv7(),
    attempt: 1,
    runId: uuidv7(),
    clientId: uuidv7(),
    firmId: uuidv7(),
    category: 'esign.signature_timestamps',
    subject: { kind: 'esignClientFileId', value: 'file-1' },
    period: null,
  };
  const fetcher: PortalFetcher = {
    category: 'esign.signature_timestamps',
    fetch: () => Promise.resolve({ records: [toRecord('file-1|r1', { status: 'signed' })] }),
  };
  const runnerFor = (store: JobStore) =>
    new JobRunner({
      dataSource: ds,
      store,
      fetchers: [fetcher],
      metrics: new ConnectorMetrics(new Registry(), 'esign'),
      logger: pino({ level: 'silent' }),
      fetchTimeoutMs: 10_000,
      maxClaims: 5,
    });
  const count = async (table: string) =>
    ((await ds.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[])[0].n;

  it('rolls back a finish whose lease another worker took over, and keeps the new owner’s result', async () => {
    await ds.transaction((manager) => recordJob(manager, job, uuidv7()));
    const first = new JobStore(ds, 'worker-a', 50);
    const [stale] = await first.claim(1);
    expect(stale.claimCount).toBe(1);
    await new Promise((r) => setTimeout(r, 150)); // worker-a's lease runs out (its process looked dead)
    const second = new JobStore(ds, 'worker-b', 60_000);
    const [current] = await second.claim(1);
    expect(current).toMatchObject({ rowId: stale.rowId, claimCount: 2 });

    const shutdown = new AbortController().signal;
    await runnerFor(first).run(stale, shutdown);
    expect(await count('outbox')).toBe(0);
    expect(await count('snapshots')).toBe(0);
    expect(await ds.query(`SELECT status, worker_id FROM connector_jobs`)).toEqual([
      { status: 'running', worker_id: 'worker-b' },
    ]);

    await runnerFor(second).run(current, shutdown);
    expect(await count('snapshots')).toBe(1);
    const topics = (await ds.query(`SELECT topic FROM outbox ORDER BY seq`)) as { topic: string }[];
    expect(topics.map((t) => t.topic)).toEqual(['client.records.v1', 'sync.results.v1']);
    expect(await ds.query(`SELECT status, outcome, claim_count FROM connector_jobs`)).toEqual([
      { status: 'done', outcome: 'succeeded', claim_count: 2 },
    ]);
  });

  it('reports a refused call in words and logs its network code as `cause`, not in the message', async () => {
    await ds.query(`DELETE FROM connector_jobs`);
    await ds.query(`DELETE FROM outbox`);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
    });
    const failing: PortalFetcher = {
      category: 'esign.signature_timestamps',
      fetch: () =>
        Promise.reject(
          errorForFetchFailure(refused, 'signing requests', 1000, { upstream: upstreamOf('esign') }),
        ),
    };
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const store = new JobStore(ds, 'worker-log', 60_000);
    const failed = { ...job, jobId: uuidv7() };
    await ds.transaction((m) => recordJob(m, failed, uuidv7()));
    const [claimed] = await store.claim(1);
    await new JobRunner({
      dataSource: ds,
      store,
      fetchers: [failing],
      metrics: new ConnectorMetrics(new Registry(), 'esign'),
      logger,
      fetchTimeoutMs: 10_000,
      maxClaims: 5,
    }).run(claimed, new AbortController().signal);

    const message =
      'The e-sign portal did not answer signing requests (connection refused). The job is tried again a few ' +
      'times; if it still fails, retry the failed jobs later.';
    const [row] = (await ds.query(`SELECT payload FROM outbox WHERE topic = 'sync.results.v1'`)) as {
      payload: string;
    }[];
    expect((JSON.parse(row.payload) as { data: unknown }).data).toMatchObject({
      errorCode: 'portal_unavailable',
      errorMessage: message,
    });
    const logged = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['outcome'] === 'failed');
    expect(logged).toMatchObject({
      msg: message,
      errorCode: 'portal_unavailable',
      cause: { failure: 'refused', networkCode: 'ECONNREFUSED', errno: -111, syscall: 'connect' },
    });
  });

  it("claims jobs by firm turns: a firm's single job goes before another firm's backlog", async () => {
    await ds.query(`DELETE FROM connector_jobs`);
    const firmA = uuidv7();
    const firmB = uuidv7();
    const jobOf = (firmId: string): ConnectorJob => ({ ...job, jobId: uuidv7(), firmId });
    const backlog = Array.from({ length: 6 }, () => jobOf(firmA));
    const single = jobOf(firmB);
    for (const j of [...backlog, single]) await ds.transaction((m) => recordJob(m, j, uuidv7()));
    const store = new JobStore(ds, 'worker-fair', 60_000);
    // Firm A's first job and firm B's job each have turn 1; A's second has turn 2.
    const first = await store.claim(2);
    expect(first.map((c) => c.job.firmId).sort()).toEqual([firmA, firmB].sort());
    expect(first.find((c) => c.job.firmId === firmA)?.job.jobId).toBe(backlog[0].jobId);
    // A job of firm B recorded after A's whole backlog still takes turns with it (not FIFO behind it).
    const late = jobOf(firmB);
    await ds.transaction((m) => recordJob(m, late, uuidv7()));
    const next = await store.claim(2);
    expect(next.map((c) => c.job.jobId).sort()).toEqual([backlog[1].jobId, late.jobId].sort());
  });

  it('finishes jobs that end together in one transaction; a lost lease among them undoes only its own job', async () => {
    for (const table of ['connector_jobs', 'outbox', 'snapshots']) await ds.query(`DELETE FROM ${table}`);
    const jobs = ['g1', 'g2', 'g3', 'g4'].map((file) => ({
      ...job,
      jobId: uuidv7(),
      clientId: uuidv7(),
      subject: { kind: 'esignClientFileId' as const, value: file },
    }));
    for (const j of jobs) await ds.transaction((m) => recordJob(m, j, uuidv7()));
    const mine = new JobStore(ds, 'worker-group', 50);
    const claimed = await mine.claim(4);
    expect(claimed).toHaveLength(4);
    await new Promise((r) => setTimeout(r, 150)); // the leases run out
    const [stolen] = await new JobStore(ds, 'worker-thief', 60_000).claim(1);
    expect(stolen.claimCount).toBe(2);

    // The finishing connections count the transactions they end (statement-counts.ts), as the benches' do.
    process.env['DB_STATEMENT_COUNTS'] = 'true';
    const counted = createServiceDataSource(options);
    delete process.env['DB_STATEMENT_COUNTS'];
    await counted.initialize();
    const groups: GroupOutcome[] = [];
    const groupCommit = new GroupCommit(counted, {
      maxTransactionMs: 60_000,
      onGroup: (g) => groups.push(g),
    });
    // Every fetch answers at once when the gate opens: the four jobs reach their finish together.
    let open: () => void = () => undefined;
    const gate = new Promise<void>((r) => (open = r));
    const runner = new JobRunner({
      dataSource: counted,
      groupCommit,
      store: mine,
      fetchers: [
        {
          category: 'esign.signature_timestamps',
          fetch: async (j) => {
            await gate;
            return { records: [toRecord(`${j.subject.value}|r1`, { status: 'signed' })] };
          },
        },
      ],
      metrics: new ConnectorMetrics(new Registry(), 'esign'),
      logger: pino({ level: 'silent' }),
      fetchTimeoutMs: 10_000,
      maxClaims: 5,
    });
    const shutdown = new AbortController().signal;
    const runs = claimed.map((c) => runner.run(c, shutdown));
    const before = statementCounts.transactions;
    open();
    await Promise.all(runs);
    const transactions = statementCounts.transactions - before;
    await counted.destroy();

    // The lost lease rolls the first transaction back (with the jobs that finished before it there); the three
    // others commit together in the next.
    expect(groups).toHaveLength(2);
    expect(groups[0]).toMatchObject({ failed: 1, committed: false });
    expect(groups[1]).toEqual({ works: 3, failed: 0, committed: true });
    expect(transactions).toBe(2);
    const done = (await ds.query(`SELECT id::text AS id FROM connector_jobs WHERE status = 'done'`)) as {
      id: string;
    }[];
    expect(done.map((d) => d.id).sort()).toEqual(
      claimed
        .filter((c) => c.rowId !== stolen.rowId)
        .map((c) => String(c.rowId))
        .sort(),
    );
    expect(
      await ds.query(`SELECT status, worker_id FROM connector_jobs WHERE id = $1`, [stolen.rowId]),
    ).toEqual([{ status: 'running', worker_id: 'worker-thief' }]);
    // The stolen job's snapshot and events were rolled back; the others' are there, written once.
    const files = (await ds.query(`SELECT subject_value FROM snapshots ORDER BY subject_value`)) as {
      subject_value: string;
    }[];
    const stolenFile = jobs.find((j) => j.jobId === stolen.job.jobId)?.subject.value;
    expect(files.map((f) => f.subject_value)).toEqual(
      jobs.map((j) => j.subject.value).filter((v) => v !== stolenFile),
    );
    expect(await count('outbox')).toBe(6); // records + result for each of the three
  });
});
