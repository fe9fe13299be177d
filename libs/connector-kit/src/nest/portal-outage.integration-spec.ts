import { execFileSync } from 'node:child_process';

import type { SyncJobRequested } from '@practice-sync/contracts';
import type { ConnectorProcess, KafkaProbe, SandboxProcess } from '@practice-sync/testing';
import { ConnectorHarness, waitFor } from '@practice-sync/testing';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';

/**
 * A portal outage under a connector (connector-esign as a process, real Kafka and PostgreSQL, the sandbox as the
 * portal, its connections reset while it is "down"): the jobs that run into it wait for the portal (not tried,
 * no attempt spent) and succeed once it is back; past PORTAL_OUTAGE_WAIT_MS they fail `portal_unavailable`
 * saying how long the portal has been down.
 */
describe('jobs wait for a portal that is down (connector-kit, real processes)', () => {
  const OUTAGE_WAIT_MS = 30_000;
  const harness = new ConnectorHarness({
    portal: 'esign',
    migrate: async (url) =>
      execFileSync(process.execPath, ['-r', '@swc-node/register', 'apps/connector-esign/src/migrate.ts'], {
        env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' },
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    sandboxEnv: { SANDBOX_START_AT: '2025-06-25T10:00:00Z' },
    connectorEnv: {
      WORKER_CONCURRENCY: '4',
      // The breaker opens on the first failures and probes again after 2 s.
      BREAKER_VOLUME_THRESHOLD: '2',
      BREAKER_RESET_TIMEOUT_MS: '2000',
      RETRY_MAX_ATTEMPTS: '2',
      PORTAL_OUTAGE_WAIT_MS: String(OUTAGE_WAIT_MS),
    },
  });
  let sandbox: SandboxProcess;
  let connector: ConnectorProcess;
  let probe: KafkaProbe;
  let db: Client;

  beforeAll(async () => {
    ({ sandbox, connector, probe } = await harness.start());
    const put = await harness.api('PUT', '/credentials/esign', { apiKey: 'live-key-0123456789' });
    expect(put.status).toBe(200);
    db = new Client({ connectionString: harness.databaseUrl });
    await db.connect();
  }, 300_000);
  afterAll(async () => {
    await db?.end();
    await sandbox?.faults('esign', { outage: false }).catch(() => undefined);
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
  const rows = async (jobIds: string[]) =>
    (
      await db.query<{ job_id: string; status: string; claim_count: number }>(
        `SELECT job_id, status, claim_count FROM connector_esign.connector_jobs WHERE job_id = ANY($1)`,
        [jobIds],
      )
    ).rows;
  const waitingGauge = async (): Promise<number> => {
    const text = await (await fetch(`${connector.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('connector_jobs_waiting_on_outage{'));
    return line ? Number(line.split(' ').pop()) : NaN;
  };
  const down = (outage: boolean) => sandbox.faults('esign', { outage });

  it('holds the jobs while the portal is down, then runs each once, in full, when it is back', async () => {
    // One job trips the breaker; the others arrive while it is open.
    await down(true);
    const first = job();
    await probe.publishJobs('esign', harness.firmId, [first]);
    await waitFor(async () => ((await waitingGauge()) >= 1 ? true : null), {
      timeoutMs: 60_000,
      description: 'the first job waiting for the portal',
    });
    const more = Array.from({ length: 5 }, job);
    await probe.publishJobs('esign', harness.firmId, more);
    const all = [first, ...more].map((j) => j.jobId);
    const waiting = await waitFor(
      async () => {
        const r = await rows(all);
        return r.length === all.length && r.every((x) => x.status === 'pending') ? r : null;
      },
      { timeoutMs: 60_000, description: 'every job queued, none running' },
    );
    // A waiting job has spent no claim (so no attempt), and none has reported anything.
    expect(waiting.map((r) => r.claim_count)).toEqual(all.map(() => 0));
    // Through at least one failed half-open probe (2 s), the jobs still wait.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(probe.results.filter((e) => all.includes(e.data.jobId))).toEqual([]);
    expect(await waitingGauge()).toBe(all.length);

    await down(false);
    const results = await probe.waitForResults(all, 180_000);
    expect(results.map((r) => ({ outcome: r.outcome, errorCode: r.errorCode }))).toEqual(
      all.map(() => ({ outcome: 'succeeded', errorCode: null })),
    );
    // One result per job, and every job run by one claim (the waits did not count).
    for (const jobId of all) {
      expect(new Set(probe.results.filter((e) => e.data.jobId === jobId).map((e) => e.id)).size).toBe(1);
    }
    expect((await rows(all)).map((r) => [r.status, r.claim_count])).toEqual(all.map(() => ['done', 1]));
    expect(await waitingGauge()).toBe(0);
  }, 420_000);

  it(
    'fails the waiting jobs past PORTAL_OUTAGE_WAIT_MS, saying how long the portal has been down',
    async () => {
      // The breaker's window (10 s) must forget the first test's successful calls, or the first failures of
      // this outage would not open it (those jobs then fail as before the breaker judged the portal down).
      await new Promise((r) => setTimeout(r, 12_000));
      await down(true);
      const jobs = Array.from({ length: 3 }, job);
      await probe.publishJobs('esign', harness.firmId, [jobs[0]]);
      await waitFor(async () => ((await waitingGauge()) >= 1 ? true : null), {
        timeoutMs: 60_000,
        description: 'the first job waiting for the portal',
      });
      await probe.publishJobs('esign', harness.firmId, jobs.slice(1));
      // The portal stays down until every job has reported (at the earliest OUTAGE_WAIT_MS into the outage).
      const results = await probe.waitForResults(
        jobs.map((j) => j.jobId),
        OUTAGE_WAIT_MS + 180_000,
      );
      await down(false);
      for (const r of results) {
        expect(r).toMatchObject({ outcome: 'failed', errorCode: 'portal_unavailable', retryable: true });
        expect(r.errorMessage).toMatch(
          /^the e-sign portal has been down for \d+ (min \d\d )?s \(calls failing since \d\d:\d\d:\d\d UTC\), longer than jobs wait for it \(30 s, PORTAL_OUTAGE_WAIT_MS\)\. Retrying the run's failed jobs \("Retry failed"\) picks the job up once the portal is back$/,
        );
      }
    },
    OUTAGE_WAIT_MS + 240_000,
  );
});
