/**
 * The connectors' finishing transactions alone (issue 26): jobs claimed from a real PostgreSQL, fetched by a
 * stand-in fetcher (20 records after 0–20 ms, the spread of portal answers) by 16 workers, and finished by the
 * real JobRunner — each in its own transaction, or through the group commit with 0, 2 and 5 ms of linger.
 * Counts the finishing data source's transactions (statement-counts.ts) and times the finish (fetch answered
 * → job done). Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; a scratch
 * database is created and dropped).
 */
import type { ClaimedJob, ConnectorJob } from '@practice-sync/connector-kit';
import {
  ConnectorKitMigrations,
  ConnectorMetrics,
  JobRunner,
  JobStore,
  recordJob,
  toRecord,
} from '@practice-sync/connector-kit';
import { MessagingMigrations } from '@practice-sync/messaging';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';
import {
  createServiceDataSource,
  GroupCommit,
  runServiceMigrations,
  statementCounts,
} from '@practice-sync/persistence';
import { createScratchDatabase } from '@practice-sync/testing';
import pino from 'pino';
import { Registry } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';

const JOBS = 480;
const WORKERS = 16;
const RECORDS = 20;

interface Variant {
  name: string;
  /** undefined: one transaction per job (no group commit). */
  lingerMs?: number;
}

const VARIANTS: Variant[] = [
  { name: 'one transaction per job' },
  { name: 'group commit, no linger', lingerMs: 0 },
  { name: 'group commit, 2 ms linger', lingerMs: 2 },
  { name: 'group commit, 5 ms linger', lingerMs: 5 },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

export async function run() {
  const db = await createScratchDatabase(
    process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    `bench_finish_${Date.now().toString(36)}`,
  );
  const options: ServiceDataSourceOptions = {
    url: db.url,
    schema: 'connector_bench',
    entities: [],
    migrations: [...MessagingMigrations, ...ConnectorKitMigrations],
    poolSize: WORKERS,
  };
  await runServiceMigrations(options);
  const ds = createServiceDataSource(options);
  await ds.initialize();
  // Only the finishing data source counts what it sends.
  const countsBefore = process.env['DB_STATEMENT_COUNTS'];
  process.env['DB_STATEMENT_COUNTS'] = 'true';
  const finishing = createServiceDataSource(options);
  if (countsBefore === undefined) delete process.env['DB_STATEMENT_COUNTS'];
  else process.env['DB_STATEMENT_COUNTS'] = countsBefore;
  await finishing.initialize();
  const figures = [];
  try {
    for (const variant of VARIANTS) {
      for (const table of ['connector_jobs', 'snapshots', 'outbox']) await ds.query(`DELETE FROM ${table}`);
      const firmId = uuidv7();
      const jobs: ConnectorJob[] = Array.from({ length: JOBS }, (_, n) => ({
        jobId: uuidv7(),
        attempt: 1,
        runId: uuidv7(),
        clientId: uuidv7(),
        firmId,
        category: 'esign.signature_timestamps',
        subject: { kind: 'esignClientFileId', value: `file-${n}` },
        period: null,
      }));
      await ds.transaction(async (m) => {
        for (const job of jobs) await recordJob(m, job, uuidv7());
      });
      const store = new JobStore(ds, 'bench-worker', 600_000);
      const claimed: ClaimedJob[] = [];
      while (claimed.length < JOBS) claimed.push(...(await store.claim(JOBS - claimed.length)));
      const answeredAt = new Map<string, number>();
      const finishMs: number[] = [];
      const runner = new JobRunner({
        dataSource: finishing,
        groupCommit:
          variant.lingerMs === undefined
            ? undefined
            : new GroupCommit(finishing, { lingerMs: variant.lingerMs }),
        store,
        fetchers: [
          {
            category: 'esign.signature_timestamps',
            fetch: async (job) => {
              await new Promise((r) => setTimeout(r, Math.random() * 20));
              answeredAt.set(job.jobId, performance.now());
              return {
                records: Array.from({ length: RECORDS }, (_, i) =>
                  toRecord(`${job.subject.value}|r${i}`, { status: 'signed', i }),
                ),
              };
            },
          },
        ],
        metrics: new ConnectorMetrics(new Registry(), 'esign'),
        logger: pino({ level: 'silent' }),
        fetchTimeoutMs: 60_000,
        maxClaims: 5,
      });
      const shutdown = new AbortController().signal;
      const queue = [...claimed];
      const transactionsBefore = statementCounts.transactions;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            await runner.run(next, shutdown);
            finishMs.push(performance.now() - (answeredAt.get(next.job.jobId) ?? 0));
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const transactions = statementCounts.transactions - transactionsBefore;
      const [{ done }] = (await ds.query(
        `SELECT count(*)::int AS done FROM connector_jobs WHERE status = 'done'`,
      )) as { done: number }[];
      finishMs.sort((a, b) => a - b);
      const how = `${JOBS} jobs, ${WORKERS} workers, ${RECORDS} records each, fetch 0–20 ms; ${done} done in ${seconds.toFixed(2)} s (${Math.round(JOBS / seconds)} jobs/s); finish median ${percentile(finishMs, 50).toFixed(1)} ms, p95 ${percentile(finishMs, 95).toFixed(1)} ms`;
      figures.push({
        name: `finishing transactions per job, ${variant.name}`,
        value: Math.round((transactions / JOBS) * 1000) / 1000,
        unit: 'transactions/job',
        note: how,
      });
    }
    return figures;
  } finally {
    await finishing.destroy();
    await ds.destroy();
    await db.drop();
  }
}
