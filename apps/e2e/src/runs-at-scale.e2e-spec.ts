import type { StackHandle } from '@practice-sync/testing';
import {
  bucketCsv,
  bucketLacks,
  FAST_RUN_ENV,
  settledGstPeriod,
  startStack,
  waitFor,
} from '@practice-sync/testing';

import { metricTotal } from './api-client';
import { call } from './gateway-http';
import type { Job, Page, Run } from './sync-run-views';

/**
 * Sync runs at firm scale through the public API only (gateway → orchestrator → connectors → sandbox →
 * client-master, real Kafka and PostgreSQL): 400 clients (E2E_SCALE_CLIENTS) × every category, checked against what the sandbox's
 * world holds (its world-facts routes), then an identical second sync; and fairness between a 5,000-client run
 * and a 10-client run of another firm.
 */

/**
 * 400 clients (4,000 jobs a run) in CI: every path of the 1,000-client run at 40% of its 11 minutes.
 * `E2E_SCALE_CLIENTS=1000` (a multiple of 40) runs it at the full size; `npm run bench -- pipeline` measures 10,000.
 */
const CLIENTS = Number(process.env.E2E_SCALE_CLIENTS ?? 400);
if (!Number.isInteger(CLIENTS) || CLIENTS <= 0 || CLIENTS % 40 !== 0) {
  throw new Error(
    `E2E_SCALE_CLIENTS must be a positive multiple of 40 (got ${String(process.env.E2E_SCALE_CLIENTS)})`,
  );
}
const EVERY_CATEGORY = ['gst.all', 'itr.all', 'esign.signature_timestamps'];
const GST_CATEGORIES = 5;
const ITR_CATEGORIES = 4;

const lacksGstin = bucketLacks.gstin;
const lacksEsign = bucketLacks.esign;
const lacksPan = bucketLacks.pan;
const clientCsv = bucketCsv;

describe('sync runs at firm scale, through the public API', () => {
  let stack: StackHandle;
  let gateway: string;

  beforeAll(async () => {
    stack = await startStack({
      // Lax access: the subject here is a firm-scale run, not 1,000 clients' OTPs and consents.
      access: 'lax',
      // The firm's portal accounts are not rate limited here (the sandbox has no quota to protect, and a
      // 600-calls-a-minute ERI account would make this test a 20-minute wait on the limiter); short retries.
      env: { ...FAST_RUN_ENV },
    });
    gateway = stack.gatewayUrl;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const api = <T>(key: string, method: string, path: string, body?: unknown, contentType?: string) =>
    call<T>(gateway, method, path, {
      key,
      ...(typeof body === 'string' ? { raw: body, contentType } : body === undefined ? {} : { body }),
    });

  async function importClients(key: string, csv: string): Promise<void> {
    const res = await api<{ totals: Record<string, number>; items: { status: string }[] }>(
      key,
      'POST',
      '/v1/clients/import',
      csv,
      'text/csv',
    );
    expect(res.status).toBe(200);
    expect(res.body.items.filter((r) => r.status === 'error').slice(0, 3)).toEqual([]);
    expect(res.body.totals.created).toBe(csv.trim().split('\n').length - 1);
  }

  async function finished(key: string, runId: string, timeoutMs: number): Promise<Run> {
    return waitFor(
      async () => {
        const r = (await api<Run>(key, 'GET', `/v1/sync-runs/${runId}`)).body;
        return r.finishedAt !== null ? r : undefined;
      },
      { timeoutMs, intervalMs: 1000, description: `run ${runId} to finish` },
    );
  }

  async function allJobs(key: string, runId: string): Promise<Job[]> {
    const jobs: Job[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/v1/sync-runs/${runId}/jobs?limit=200${cursor ? `&cursor=${cursor}` : ''}`;
      const page: Page<Job> = (await api<Page<Job>>(key, 'GET', q)).body;
      jobs.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return jobs;
  }

  /**
   * Every change-feed entry of the firm's clients, counted per run. Read from client-master's internal route
   * (the one the gateway proxies as `GET /v1/clients/{id}/changes`) for its pages of 1,000 rather than 200:
   * about a million entries.
   */
  async function feedByRun(firmId: string, clientIds: string[]): Promise<Map<string, number>> {
    const byRun = new Map<string, number>();
    const base = `${stack.urls['client-master']}/internal/v1/firms/${firmId}/clients`;
    for (const id of clientIds) {
      let cursor: string | null = null;
      do {
        const q: string = `/${id}/changes?limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
        const page: Page<{ runId: string }> = (await call<Page<{ runId: string }>>(base, 'GET', q)).body;
        for (const c of page.items) byRun.set(c.runId, (byRun.get(c.runId) ?? 0) + 1);
        cursor = page.nextCursor;
      } while (cursor);
    }
    return byRun;
  }

  it(
    `${CLIENTS} clients × every category: totals match the sandbox world; an identical sync is all no_change and adds nothing to the feed`,
    async () => {
      const firm = await stack.createFirmWithAdmin('Scale & Co');
      const key = firm.adminApiKey;
      await importClients(key, clientCsv('SC', CLIENTS, 'scale'));

      // A GST period whose 2B is generated whatever today's date (two months back).
      const gstPeriod = settledGstPeriod();
      const started = await api<Run>(key, 'POST', '/v1/sync-runs', {
        clients: { tags: ['scale'] },
        categories: EVERY_CATEGORY,
        period: { gst: gstPeriod },
      });
      expect(started.status).toBe(202);
      const first = await finished(key, started.body.id, 40 * 60_000);
      const jobs = await allJobs(key, first.id);

      // What the world implies, client by client.
      const expected = { jobs: CLIENTS * 10, skipped: 0, failed: 0, partial: 0 };
      for (let n = 0; n < CLIENTS; n++) {
        if (lacksGstin(n)) expected.skipped += GST_CATEGORIES;
        if (lacksPan(n)) expected.skipped += ITR_CATEGORIES;
        if (lacksEsign(n)) expected.skipped += 1;
      }
      const aisJobs = jobs.filter((j) => j.category === 'itr.ais_tis_26as' && j.outcome !== 'skipped');
      const ay = Number(aisJobs[0].period?.slice(0, 4));
      const fy = `${ay - 1}-${String(ay % 100).padStart(2, '0')}`;
      const statementsByPan = new Map<string, { fails: boolean; entries: number }[]>();
      for (const j of aisJobs) {
        const facts = (
          await call<{ statements: Record<string, { fails: boolean; entries: number }> }>(
            stack.sandboxUrl,
            'GET',
            `/itr/_sandbox/taxpayers/${j.subject.value}?fy=${fy}`,
          )
        ).body;
        statementsByPan.set(j.subject.value as string, Object.values(facts.statements));
      }
      // One statement failing keeps the others (partial); only when all three fail does the job fail.
      for (const statements of statementsByPan.values()) {
        const failing = statements.filter((s) => s.fails).length;
        if (failing === statements.length) expected.failed++;
        else if (failing > 0) expected.partial++;
      }
      const noData = jobs.filter((j) => j.outcome === 'no_data');

      expect(first.status).toBe('completed');
      expect(first.totals).toEqual({
        jobs: expected.jobs,
        pending: 0,
        running: 0,
        succeeded: expected.jobs - expected.skipped - expected.failed - expected.partial - noData.length,
        noChange: 0,
        failed: expected.failed,
        skipped: expected.skipped,
        cancelled: 0,
        noData: noData.length,
        partial: expected.partial,
        work: expected.jobs - expected.skipped,
        workFinished: expected.jobs - expected.skipped,
      });
      expect(expected.partial).toBeGreaterThan(0);
      // "Nothing on the portal" is never a success with data, and a success always brought data.
      for (const j of noData) {
        expect({ added: j.counts.added, removed: j.counts.removed, message: j.errorMessage }).toEqual({
          added: 0,
          removed: 0,
          message: expect.stringMatching(/^nothing on the portal for this period/),
        });
      }
      for (const j of jobs.filter((x) => x.outcome === 'succeeded'))
        expect(j.counts.added).toBeGreaterThan(0);
      // The partial and failed jobs are exactly the statements the portal cannot prepare, and say so.
      for (const j of aisJobs) {
        const statements = statementsByPan.get(j.subject.value as string) ?? [];
        const failing = statements.filter((s) => s.fails).length;
        const kept = statements.reduce((n, s) => n + (s.fails ? 0 : s.entries), 0);
        const outcome =
          failing === statements.length ? 'failed' : failing ? 'partial' : kept ? 'succeeded' : 'no_data';
        expect({
          pan: j.subject.value,
          outcome: j.outcome,
          errorCode: j.errorCode,
          added: j.counts.added,
        }).toEqual({
          pan: j.subject.value,
          outcome,
          errorCode: failing ? 'portal_unavailable' : null,
          added: kept,
        });
      }
      // Each GSTR-2B job brought exactly the invoices the sandbox holds for that GSTIN and period.
      const twoB = jobs.filter((j) => j.category === 'gst.gstr2b' && j.outcome !== 'skipped');
      expect(twoB).toHaveLength(CLIENTS - CLIENTS / 20);
      let invoices = 0;
      for (const j of twoB) {
        const facts = (
          await call<{ gstr2b: { invoices: number } }>(
            stack.sandboxUrl,
            'GET',
            `/gst/_sandbox/taxpayers/${j.subject.value}?period=${gstPeriod}`,
          )
        ).body;
        // A GSTIN with no purchases in the period: the portal answers RET2B1016, the job ends no_data.
        expect({ gstin: j.subject.value, added: j.counts.added, outcome: j.outcome }).toEqual({
          gstin: j.subject.value,
          added: facts.gstr2b.invoices,
          outcome: facts.gstr2b.invoices > 0 ? 'succeeded' : 'no_data',
        });
        invoices += facts.gstr2b.invoices;
      }
      expect(invoices).toBeGreaterThan(CLIENTS * 10);
      // Skipped jobs name the identifier they lack.
      const skipped = jobs.filter((j) => j.outcome === 'skipped');
      expect(skipped).toHaveLength(expected.skipped);
      const missing: Record<string, RegExp> = {
        gst: /no GSTIN/,
        itr: /no PAN/,
        esign: /no e-sign client file/,
      };
      for (const j of skipped) {
        const want = missing[j.category.split('.')[0]];
        expect({ category: j.category, errorMessage: j.errorMessage }).toEqual({
          category: j.category,
          errorMessage: expect.stringMatching(want),
        });
      }

      // Every change the first run reported reaches client-master's feed (about a million records).
      const clientIds = [...new Set(jobs.map((j) => j.clientId))];
      expect(clientIds).toHaveLength(CLIENTS);
      const reported = jobs.reduce((n, j) => n + j.counts.added + j.counts.updated + j.counts.removed, 0);
      // client-master applies records after the run ends: wait on its counter, then read the whole feed.
      await waitFor(
        async () =>
          (await metricTotal(stack.urls['client-master'], 'client_master_record_changes_total')) >= reported
            ? true
            : undefined,
        { timeoutMs: 20 * 60_000, intervalMs: 2_000, description: `${reported} record changes applied` },
      );
      expect((await feedByRun(firm.firmId, clientIds)).get(first.id)).toBe(reported);

      // An identical sync: nothing changed at the portals, so nothing is reported and the feed does not grow.
      const again = await api<Run>(key, 'POST', '/v1/sync-runs', {
        clients: { tags: ['scale'] },
        categories: EVERY_CATEGORY,
        period: { gst: gstPeriod },
      });
      const second = await finished(key, again.body.id, 40 * 60_000);
      expect(second.totals).toEqual({
        ...first.totals,
        succeeded: 0,
        noChange: first.totals.succeeded,
      });
      const secondJobs = await allJobs(key, second.id);
      expect(secondJobs.reduce((n, j) => n + j.counts.added + j.counts.updated + j.counts.removed, 0)).toBe(
        0,
      );
      await new Promise((r) => setTimeout(r, 3_000));
      expect(await metricTotal(stack.urls['client-master'], 'client_master_record_changes_total')).toBe(
        reported,
      );
      const feed = await feedByRun(firm.firmId, clientIds);
      expect(feed.get(second.id) ?? 0).toBe(0);
      expect([...feed.values()].reduce((a, b) => a + b, 0)).toBe(reported);
    },
    90 * 60_000,
  );

  it(
    'fairness: a 10-client run of another firm finishes long before a 5,000-client run in flight',
    async () => {
      const big = await stack.createFirmWithAdmin('Big Firm');
      const small = await stack.createFirmWithAdmin('Small Firm');
      await importClients(big.adminApiKey, clientCsv('BG', 5_000, 'all'));
      await importClients(small.adminApiKey, clientCsv('SM', 10, 'all'));
      // A slow portal so the big run stays in flight: 300 ms a call.
      const faults = await call(stack.sandboxUrl, 'PUT', '/_sandbox/faults/itr', {
        body: { latencyMs: 300 },
      });
      expect(faults.status).toBeLessThan(300);
      try {
        const bigRun = (
          await api<Run>(big.adminApiKey, 'POST', '/v1/sync-runs', {
            clients: { all: true },
            categories: ['itr.filing_status'],
          })
        ).body;
        await waitFor(
          async () => {
            const r = (await api<Run>(big.adminApiKey, 'GET', `/v1/sync-runs/${bigRun.id}`)).body;
            return r.totals.workFinished >= 50 ? true : undefined;
          },
          { timeoutMs: 5 * 60_000, description: 'the big run under way' },
        );
        const t0 = Date.now();
        const smallRun = (
          await api<Run>(small.adminApiKey, 'POST', '/v1/sync-runs', {
            clients: { all: true },
            categories: ['itr.filing_status'],
          })
        ).body;
        const smallDone = await finished(small.adminApiKey, smallRun.id, 5 * 60_000);
        const smallSeconds = (Date.now() - t0) / 1000;
        const bigThen = (await api<Run>(big.adminApiKey, 'GET', `/v1/sync-runs/${bigRun.id}`)).body;
        process.stdout.write(
          `fairness: 10-client run done in ${smallSeconds.toFixed(1)} s; the 5,000-client run then had ` +
            `${bigThen.totals.pending + bigThen.totals.running} of ${bigThen.totals.jobs} jobs open\n`,
        );
        expect(smallDone.status).toBe('completed');
        const withPan = Array.from({ length: 10 }, (_, n) => n).filter((n) => !lacksPan(n)).length;
        expect(smallDone.totals).toMatchObject({ skipped: 10 - withPan, failed: 0, work: withPan });
        expect(smallDone.totals.succeeded + smallDone.totals.noData).toBe(withPan);
        // "Long before": the big run has not done even half of its work when the small one is finished.
        expect(bigThen.finishedAt).toBeNull();
        expect(bigThen.totals.pending + bigThen.totals.running).toBeGreaterThan(bigThen.totals.jobs / 2);

        const cancelled = await api<Run>(big.adminApiKey, 'POST', `/v1/sync-runs/${bigRun.id}/cancel`);
        expect(cancelled.status).toBe(200);
        expect((await finished(big.adminApiKey, bigRun.id, 5 * 60_000)).status).toBe('cancelled');
      } finally {
        await call(stack.sandboxUrl, 'PUT', '/_sandbox/faults/itr', { body: { latencyMs: 0 } });
      }
    },
    20 * 60_000,
  );
});
