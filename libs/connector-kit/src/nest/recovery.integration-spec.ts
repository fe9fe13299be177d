import { execFileSync } from 'node:child_process';

import type { SyncJobRequested } from '@practice-sync/contracts';
import type { ConnectorProcess, KafkaProbe, SandboxProcess } from '@practice-sync/testing';
import { ConnectorHarness, measureConnectorRecovery, waitFor } from '@practice-sync/testing';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';

/**
 * A connector (connector-esign, as a process against the sandbox, real Kafka and PostgreSQL) killed while it
 * holds a job, and two live instances side by side. The lease is ten minutes, so a job run again before its lease
 * ran out (by the database's clock) was taken over because its worker was known dead, not because it expired.
 */
describe('connector recovery after a kill (connector-kit, real processes)', () => {
  const LONG_LEASE_MS = 600_000;
  const harness = new ConnectorHarness({
    portal: 'esign',
    migrate: async (url) =>
      execFileSync(process.execPath, ['-r', '@swc-node/register', 'apps/connector-esign/src/migrate.ts'], {
        env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' },
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    sandboxEnv: { SANDBOX_START_AT: '2025-06-25T10:00:00Z' },
    connectorEnv: { JOB_LEASE_MS: String(LONG_LEASE_MS), WORKER_CONCURRENCY: '4' },
  });
  const started: ConnectorProcess[] = [];
  let sandbox: SandboxProcess;
  let connector: ConnectorProcess;
  let probe: KafkaProbe;

  beforeAll(async () => {
    ({ sandbox, connector, probe } = await harness.start());
    const put = await harness.api('PUT', '/credentials/esign', { apiKey: 'live-key-0123456789' });
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    for (const c of started) await c.stop();
    await harness.stop();
  });

  const job = (): SyncJobRequested => ({
    jobId: uuidv7(),
    runId: uuidv7(),
    clientId: uuidv7(),
    category: 'esign.signature_timestamps',
    subject: { kind: 'esignClientFileId', value: `file-${uuidv7()}` },
    period: null,
    attempt: 1,
  });
  const slowPortal = (slow: boolean) => sandbox.faults('esign', { latencyMs: slow ? 30_000 : 0 });
  const distinctResults = (jobId: string) =>
    new Set(probe.results.filter((e) => e.data.jobId === jobId).map((e) => e.id)).size;

  it('runs the job a killed connector held again at once after its restart, and consumes again', async () => {
    const r = await measureConnectorRecovery(harness, connector, { job, slowPortal });
    connector = r.connector;
    started.push(connector);
    expect(r.heldAtKill).toMatchObject({ status: 'running', claimCount: 1 });
    expect(r.heldAfter).toMatchObject({ status: 'done', claimCount: 2 });
    // Re-run while the killed process's lease still had minutes to go.
    expect(r.reclaimedAt.getTime()).toBeLessThan(r.heldAtKill.leaseExpiresAt?.getTime() ?? 0);
    // Nothing lost, nothing doubled.
    expect(r.heldResults).toBe(1);
    expect(r.freshResults).toBe(1);
  });

  it('never takes a job another live instance holds', async () => {
    const db = new Client({ connectionString: harness.databaseUrl });
    await db.connect();
    try {
      const row = async (jobId: string) =>
        (
          await db.query<{ status: string; claim_count: number; worker_id: string }>(
            `SELECT status, claim_count, worker_id FROM connector_esign.connector_jobs WHERE job_id = $1`,
            [jobId],
          )
        ).rows[0];
      await sandbox.faults('esign', { latencyMs: 3000 });
      const held = job();
      await probe.publishJobs('esign', harness.firmId, [held]);
      const first = await waitFor(
        async () => ((await row(held.jobId))?.status === 'running' ? row(held.jobId) : null),
        {
          timeoutMs: 60_000,
          description: 'the first instance holding the job',
        },
      );
      // A second instance on the same database and topics: its sweeps run while the first still holds the job.
      const second = await harness.startAnotherConnector();
      started.push(second);
      const more = Array.from({ length: 6 }, job);
      await probe.publishJobs('esign', harness.firmId, more);
      await probe.waitForResults([held.jobId, ...more.map((j) => j.jobId)], 120_000);
      await sandbox.faults('esign', { latencyMs: 0 });

      expect(await row(held.jobId)).toMatchObject({
        status: 'done',
        claim_count: 1,
        worker_id: first.worker_id,
      });
      const workers = new Set<string>();
      for (const j of [held, ...more]) {
        const r = await row(j.jobId);
        expect({ job: j.jobId, claims: r.claim_count }).toEqual({ job: j.jobId, claims: 1 });
        expect(distinctResults(j.jobId)).toBe(1);
        workers.add(r.worker_id);
      }
      // Both instances worked (the jobs were shared, not all left to one).
      expect(workers.size).toBe(2);
    } finally {
      await db.end();
    }
  });
});
