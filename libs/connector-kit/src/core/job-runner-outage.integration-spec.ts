import { MessagingMigrations } from '@practice-sync/messaging';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';
import { createServiceDataSource, GroupCommit, runServiceMigrations } from '@practice-sync/persistence';
import type { PrivatePostgres } from '@practice-sync/testing';
import { startPrivatePostgres } from '@practice-sync/testing';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { ConnectorKitMigrations } from '../migrations/1763769700000-CreateConnectorTables';
import { ConnectorMetrics } from './connector-metrics';
import { JobRunner } from './job-runner';
import { JobStore, recordJob } from './job-store';
import type { ConnectorJob, PortalFetcher } from './portal-fetcher';
import { toRecord } from './record-hash';

/**
 * A job whose fetch ends while PostgreSQL is down (a private cluster of this file's own, stopped and started
 * again; never the shared server): the runner keeps the fetched result and finishes the job once the database
 * is back, instead of failing the finish and leaving the job `running` until its lease (60 s) runs out.
 */
describe('JobRunner across a PostgreSQL restart (private cluster)', () => {
  let pg: PrivatePostgres;
  let ds: DataSource;

  beforeAll(async () => {
    pg = await startPrivatePostgres({ port: Number(process.env['OUTAGE_PG_PORT'] ?? 15482) });
    const options: ServiceDataSourceOptions = {
      url: pg.serverUrl,
      schema: 'connector_outage',
      entities: [],
      migrations: [...MessagingMigrations, ...ConnectorKitMigrations],
      poolSize: 4,
    };
    await runServiceMigrations(options);
    ds = createServiceDataSource(options);
    await ds.initialize();
  }, 180_000);

  afterAll(async () => {
    await ds?.destroy().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
  }, 60_000);

  it('finishes a job whose fetch ended while the database was down, once it is back (no lease wait)', async () => {
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
    await ds.transaction((manager) => recordJob(manager, job, uuidv7()));
    const store = new JobStore(ds, 'worker-a', 60_000);
    const [claimed] = await store.claim(1);
    let restarted: Promise<void> = Promise.resolve();
    const fetcher: PortalFetcher = {
      category: 'esign.signature_timestamps',
      fetch: async () => {
        // The database goes away while the portal answers, and comes back 2 s later.
        await pg.stop();
        restarted = new Promise((r) => setTimeout(r, 2000)).then(() => pg.start());
        return { records: [toRecord('file-1|r1', { status: 'signed' })] };
      },
    };
    const runner = new JobRunner({
      dataSource: ds,
      // As a connector process finishes: through its group commit, whose failed BEGINs reach the job's retry.
      groupCommit: new GroupCommit(ds),
      store,
      fetchers: [fetcher],
      metrics: new ConnectorMetrics(new Registry(), 'esign'),
      logger: pino({ level: 'silent' }),
      fetchTimeoutMs: 60_000,
      maxClaims: 5,
    });

    await runner.run(claimed, new AbortController().signal);
    await restarted;

    expect(await ds.query(`SELECT status, outcome, claim_count FROM connector_jobs`)).toEqual([
      { status: 'done', outcome: 'succeeded', claim_count: 1 },
    ]);
    const topics = (await ds.query(`SELECT topic FROM outbox ORDER BY seq`)) as { topic: string }[];
    expect(topics.map((t) => t.topic)).toEqual(['client.records.v1', 'sync.results.v1']);
  }, 180_000);
});
