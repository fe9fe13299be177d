import type { StackHandle } from '@practice-sync/testing';
import { startStack, waitFor } from '@practice-sync/testing';
import { Kafka, logLevel } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';

import type { Job, Page, Run } from './sync-run-views';
import { gstinFor } from './sync-run-views';

interface Change {
  naturalKey: string;
  change: string;
  category: string;
  runId: string;
}

function panFor(n: number): string {
  const l = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return `${l[Math.floor(n / 26) % 26]}${l[n % 26]}CP${l[(n * 3) % 26]}${String(1000 + n).padStart(4, '0')}Q`;
}

/**
 * Sync runs at firm scale through the real stack (sandbox, connectors, orchestrator, client-master on real Kafka
 * and PostgreSQL). It calls the services' internal HTTP (`startStack().urls`), which the gateway proxies
 * publicly, so it does not depend on the gateway's routes; retry back-off and the lost-job deadline are
 * shortened through the orchestrator's configuration.
 */
describe('sync runs: cancel, outage, retry, no-change and the change feed', () => {
  let stack: StackHandle;
  const firmId = uuidv7();
  let orch: string;
  let cm: string;
  let sandbox: string;

  beforeAll(async () => {
    stack = await startStack({
      // Lax access: these tests are about cancel, outages and retries; clients without stored access are fetched.
      access: 'lax',
      env: {
        JOB_MAX_ATTEMPTS: '8',
        JOB_RETRY_BASE_MS: '500',
        JOB_RETRY_MAX_MS: '2000',
        JOB_RESULT_DEADLINE_MS: '60000',
        DISPATCH_FIRM_MAX_IN_FLIGHT: '4',
        DISPATCH_POLL_MS: '100',
        // The connectors' breaker pauses a failing portal for this long; the retry window must outlast it.
        BREAKER_RESET_TIMEOUT_MS: '3000',
        // Jobs wait out an open breaker this long before failing (5 min by default): "retry recovers the jobs
        // that failed" needs the attempts spent within the test, as they would be in an outage of hours.
        PORTAL_OUTAGE_WAIT_MS: '5000',
      },
    });
    orch = `${stack.urls['sync-orchestrator']}/internal/v1/firms/${firmId}`;
    cm = `${stack.urls['client-master']}/internal/v1/firms/${firmId}`;
    sandbox = stack.sandboxUrl;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function call<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async function faults(portal: string, body: Record<string, unknown>): Promise<void> {
    expect((await call('PUT', `${sandbox}/_sandbox/faults/${portal}`, body)).status).toBeLessThan(300);
  }

  async function finished(runId: string, timeoutMs = 180_000): Promise<Run> {
    return waitFor(
      async () => {
        const r = (await call<Run>('GET', `${orch}/sync-runs/${runId}`)).body;
        return r.finishedAt !== null ? r : undefined;
      },
      { timeoutMs, intervalMs: 250, description: `run ${runId} to finish` },
    );
  }

  async function jobsOf(runId: string): Promise<Job[]> {
    return (await call<Page<Job>>('GET', `${orch}/sync-runs/${runId}/jobs?limit=500`)).body.items;
  }

  async function sync(clients: unknown, categories: string[], period?: { gst?: string }): Promise<Run> {
    const res = await call<Run>('POST', `${orch}/sync-runs`, {
      clients,
      categories,
      ...(period ? { period } : {}),
    });
    expect(res.status).toBe(202);
    return res.body;
  }

  const esignClients: string[] = [];

  it('creates e-sign clients and grants access', async () => {
    // Access is per firm at the e-sign connector; tolerated when the connector does not require it.
    await call('PUT', `${stack.urls['connector-esign']}/internal/v1/firms/${firmId}/credentials/esign`, {
      apiKey: 'sandbox-key',
    });
    for (let i = 0; i < 24; i++) {
      const res = await call<{ id: string }>('POST', `${cm}/clients`, {
        name: `E-sign client ${i}`,
        esignClientFileId: `E2E-CF-${i}`,
        tags: ['esign'],
      });
      expect(res.status).toBe(201);
      esignClients.push(res.body.id);
    }
  });

  it('cancel mid-run: no job is dispatched after the cancel and the portal sees no further calls for it', async () => {
    await faults('esign', { latencyMs: 700 });
    const run = await sync({ tags: ['esign'] }, ['esign.signature_timestamps']);
    await waitFor(
      async () =>
        (await call<Run>('GET', `${orch}/sync-runs/${run.id}`)).body.totals.running > 0 ? true : undefined,
      { timeoutMs: 60_000, description: 'jobs in flight' },
    );
    const cancelled = await call<Run>('POST', `${orch}/sync-runs/${run.id}/cancel`);
    expect(cancelled.status).toBe(200);
    const done = await finished(run.id);
    const statsAtEnd = await call<{ portals: { esign: { requests: number } } }>(
      'GET',
      `${sandbox}/_sandbox/stats`,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const statsLater = await call<{ portals: { esign: { requests: number } } }>(
      'GET',
      `${sandbox}/_sandbox/stats`,
    );
    await faults('esign', { latencyMs: 0 });
    expect(done.status).toBe('cancelled');
    expect(done.totals.cancelled).toBeGreaterThan(5);
    expect(done.totals.pending + done.totals.running).toBe(0);
    const jobs = await jobsOf(run.id);
    expect(jobs.filter((j) => j.outcome === 'cancelled').every((j) => j.attempts === 0)).toBe(true);
    // The portal saw nothing after the run ended: no cancelled job was ever sent.
    expect(statsLater.body.portals.esign.requests).toBe(statsAtEnd.body.portals.esign.requests);
  });

  it('rides out a sandbox outage in mid-run: jobs succeed after it ends', async () => {
    await faults('esign', { outage: true });
    const run = await sync({ tags: ['esign'] }, ['esign.signature_timestamps']);
    await waitFor(
      async () => {
        const jobs = await jobsOf(run.id);
        return jobs.some((j) => j.attempts >= 2) ? true : undefined;
      },
      { timeoutMs: 60_000, description: 'a retry during the outage' },
    );
    await faults('esign', { outage: false });
    const done = await finished(run.id);
    expect(done.status).toBe('completed');
    expect(done.totals.failed).toBe(0);
    expect(done.totals.succeeded + done.totals.noChange).toBe(24);
  });

  it('retry recovers the jobs that failed', async () => {
    // Attempts exhausted during a long outage (JOB_MAX_ATTEMPTS × back-off), then retried after it ends.
    await faults('esign', { outage: true });
    const run = await sync({ ids: esignClients.slice(0, 3) }, ['esign.signature_timestamps']);
    const failed = await finished(run.id);
    expect(failed.totals.failed).toBe(3);
    await faults('esign', { outage: false });
    const retry = await call<Run>('POST', `${orch}/sync-runs/${run.id}/retry`);
    expect(retry.status).toBe(202);
    const done = await finished(retry.body.id);
    expect(done.totals).toMatchObject({ jobs: 3, failed: 0 });
    expect(done.totals.succeeded + done.totals.noChange).toBe(3);
  });

  it('a second identical sync reports only no_change and adds nothing to the change feed; after the clock moves the feed holds exactly the changes and a new notice is announced', async () => {
    // About one GST notice a year per GSTIN in the sandbox: ten GSTINs and a year of clock make a new one certain.
    const gstins = Array.from({ length: 10 }, (_, i) => gstinFor(panFor(40 + i)));
    const client = (
      await call<{ id: string }>('POST', `${cm}/clients`, { name: 'Notice Traders', pan: panFor(40), gstins })
    ).body;
    // GST access per GSTIN: username then the sandbox OTP (tolerated when the connector does not require it).
    for (const gstin of gstins) {
      const gst = `${stack.urls['connector-gst']}/internal/v1/firms/${firmId}/credentials/gst/${gstin}`;
      await call('PUT', gst, { username: `user-${gstin}` });
      await call('POST', `${gst}/otp`, { otp: '575757' });
    }
    // GSTR-2B brings thousands of records per GSTIN (large record batches through the outbox). Its period is two
    // months back so that the 2B is generated whatever the day of the month.
    const categories = ['gst.notices_return_register', 'gst.gstr2b'];
    const twoMonthsBack = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 2, 1));
    const period = {
      gst: `${String(twoMonthsBack.getUTCMonth() + 1).padStart(2, '0')}${twoMonthsBack.getUTCFullYear()}`,
    };

    const kafka = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `e2e-notices-${uuidv7()}` });
    const notices: { clientId: string; noticeId: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: `${stack.topicPrefix}client.events.v1`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const e = JSON.parse(message.value?.toString() ?? '{}') as {
          type?: string;
          data?: { clientId: string; noticeId: string };
        };
        if (e.type === 'client.notice.detected' && e.data) notices.push(e.data);
      },
    });
    try {
      const first = await finished((await sync({ ids: [client.id] }, categories, period)).id);
      expect(first.totals.failed).toBe(0);
      const feed = async (): Promise<Change[]> => {
        const all: Change[] = [];
        let cursor: string | null = null;
        do {
          const q: string = `${cm}/clients/${client.id}/changes?limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
          const page: Page<Change> = (await call<Page<Change>>('GET', q)).body;
          all.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        return all;
      };
      const reportedBy = async (runId: string): Promise<number> =>
        (await jobsOf(runId)).reduce((n, j) => {
          const c = j.counts;
          return n + c.added + c.updated + c.removed;
        }, 0);
      const changesOf = async (runId: string): Promise<Change[]> =>
        (await feed()).filter((c) => c.runId === runId);
      // Every record the first run reported reaches the feed (thousands of 2B invoices take a moment).
      const firstReported = await reportedBy(first.id);
      expect(firstReported).toBeGreaterThan(0);
      await waitFor(async () => (await changesOf(first.id)).length === firstReported, {
        timeoutMs: 60_000,
        description: `the ${firstReported} changes of the first run in the feed`,
      });
      const baseline = (await feed()).length;
      expect(baseline).toBe(firstReported);

      const second = await finished((await sync({ ids: [client.id] }, categories, period)).id);
      // What held something is unchanged; what held nothing (no_data) still holds nothing.
      expect(second.totals).toMatchObject({
        jobs: 20,
        noChange: 20 - first.totals.noData,
        noData: first.totals.noData,
        succeeded: 0,
        failed: 0,
      });
      await new Promise((r) => setTimeout(r, 2000));
      expect((await feed()).length).toBe(baseline);
      const noticesBefore = notices.filter((n) => n.clientId === client.id).length;

      expect((await call('POST', `${sandbox}/_sandbox/clock/advance`, { days: 365 })).status).toBeLessThan(
        300,
      );
      const third = await finished((await sync({ ids: [client.id] }, categories, period)).id);
      const reported = await reportedBy(third.id);
      expect(reported).toBeGreaterThan(0);
      const changed = await waitFor(
        async () => {
          const f = await changesOf(third.id);
          return f.length >= reported ? f : undefined;
        },
        { timeoutMs: 60_000, description: 'the changes of the third run in the feed' },
      );
      // Exactly the changed records: one feed entry per record the jobs reported added/updated/removed.
      expect(changed).toHaveLength(reported);
      expect((await feed()).length).toBe(baseline + reported);
      await waitFor(
        () => (notices.filter((n) => n.clientId === client.id).length > noticesBefore ? true : undefined),
        {
          timeoutMs: 30_000,
          description: 'a client.notice.detected event',
        },
      );
    } finally {
      await consumer.disconnect();
    }
  });
});
