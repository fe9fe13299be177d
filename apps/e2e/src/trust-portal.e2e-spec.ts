import type { StackHandle } from '@practice-sync/testing';
import { startStack, waitFor } from '@practice-sync/testing';

import { metricTotal } from './api-client';
import type { Answer } from './gateway-http';
import { call } from './gateway-http';
import type { Job, Page, Run } from './sync-run-views';
import { gstinFor } from './sync-run-views';

/** A past GST period whose GSTR-2B the sandbox has generated, whatever day the test runs. */
const PERIOD = '092026';
/** GST calls the sandbox admits per sliding minute while throttling. */
const RATE_LIMIT = 4;

interface Firm {
  firmId: string;
  key: string;
}

/**
 * Throttling and GST sessions through the public API on the real stack (issue 19, items 4 and 5). The
 * orchestrator's and connector's own retry bounds are shortened, so a job the portal throttles for longer than
 * they allow would end `failed`/`rate_limited` at once unless the portal's Retry-After is honoured.
 */
describe('a portal that throttles and locks: jobs wait for the portal, firms share it, GSTINs stay usable', () => {
  let stack: StackHandle;
  let firmA: Firm;
  let firmB: Firm;
  const gstinsA: string[] = [];
  let gstinB: string;
  const clientsA: string[] = [];
  let clientB: string;

  const api = (firm: Firm, method: string, path: string, body?: unknown): Promise<Answer> =>
    call(stack.gatewayUrl, method, path, { key: firm.key, body });

  async function faults(settings: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${stack.sandboxUrl}/_sandbox/faults/gst`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });
    expect(res.status).toBe(200);
  }

  /** GSTINs whose 2B for PERIOD is one page (1–500 invoices): one portal call per job. */
  async function smallGstins(n: number, from: number): Promise<string[]> {
    const found: string[] = [];
    for (let i = from; found.length < n && i < from + 500; i++) {
      const g = gstinFor(`AAACR${String(i).padStart(4, '0')}K`);
      const facts = (await (
        await fetch(`${stack.sandboxUrl}/gst/_sandbox/taxpayers/${g}?period=${PERIOD}`)
      ).json()) as { gstr2b?: { generated: boolean; invoices: number } };
      const invoices = facts.gstr2b?.invoices ?? 0;
      if (facts.gstr2b?.generated && invoices > 0 && invoices <= 500) found.push(g);
    }
    expect(found).toHaveLength(n);
    return found;
  }

  async function createClient(firm: Firm, name: string, gstin: string): Promise<string> {
    const res = await api(firm, 'POST', '/v1/clients', { name, gstins: [gstin] });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function startRun(firm: Firm, ids: string[]): Promise<string> {
    const res = await api(firm, 'POST', '/v1/sync-runs', {
      clients: { ids },
      categories: ['gst.gstr2b'],
      period: { gst: PERIOD },
    });
    expect(res.status).toBe(202);
    return res.body.id as string;
  }

  async function finished(firm: Firm, runId: string, timeoutMs: number): Promise<Run> {
    return waitFor(
      async () => {
        const run = (await api(firm, 'GET', `/v1/sync-runs/${runId}`)).body as unknown as Run;
        return run.finishedAt ? run : undefined;
      },
      { timeoutMs, intervalMs: 250, description: `run ${runId} to finish` },
    );
  }

  async function jobsOf(firm: Firm, runId: string): Promise<Job[]> {
    const res = await api(firm, 'GET', `/v1/sync-runs/${runId}/jobs?limit=100`);
    expect(res.status).toBe(200);
    return (res.body as unknown as Page<Job>).items;
  }

  beforeAll(async () => {
    stack = await startStack({
      // Lax access: the subject is throttling; the big firm's GSTINs are fetched without each one's OTP (the
      // portal's own rate limit would otherwise spend the test's minute on logins).
      access: 'lax',
      env: {
        // The old give-up: two attempts a second apart; the sandbox's Retry-After is up to a minute.
        JOB_MAX_ATTEMPTS: '2',
        JOB_RETRY_BASE_MS: '1000',
        JOB_RETRY_MAX_MS: '2000',
        DISPATCH_POLL_MS: '100',
        // The connector waits in process for at most 2 s of Retry-After; longer waits go back to the orchestrator.
        RETRY_MAX_DELAY_MS: '2000',
        // A firm holds at most two of the connector's portal calls at once.
        PORTAL_FIRM_CONCURRENCY: '2',
      },
    });
    const a = await stack.createFirmWithAdmin('Throttled Big Firm');
    const b = await stack.createFirmWithAdmin('Small Firm');
    firmA = { firmId: a.firmId, key: a.adminApiKey };
    firmB = { firmId: b.firmId, key: b.adminApiKey };
    gstinsA.push(...(await smallGstins(8, 100)));
    [gstinB] = await smallGstins(1, 700);
    for (const [i, g] of gstinsA.entries())
      clientsA.push(await createClient(firmA, `Big Firm Client ${i}`, g));
    clientB = await createClient(firmB, 'Small Firm Client', gstinB);
  });

  afterAll(async () => {
    await faults({ rateLimitPerMinute: null, latencyMs: 0 }).catch(() => undefined);
    await stack?.stop();
  });

  it('re-entering GST credentials and the OTP six times leaves the GSTIN usable (no lock-out)', async () => {
    const g = gstinsA[0];
    // The sandbox allows five live sessions per GSTIN and locks it for hours on the sixth.
    for (let i = 1; i <= 6; i++) {
      const put = await api(firmA, 'PUT', `/v1/credentials/gst/${g}`, { username: 'big-firm-api-user' });
      expect({ i, status: put.status, body: put.body }).toMatchObject({
        i,
        status: 200,
        body: { identifier: g, status: 'otp_required' },
      });
      const otp = await api(firmA, 'POST', `/v1/credentials/gst/${g}/otp`, { otp: '575757' });
      // On a lock-out the problem's detail would say why; here there is none.
      expect({ i, status: otp.status, detail: otp.body.detail ?? null }).toEqual({
        i,
        status: 200,
        detail: null,
      });
      expect(otp.body).toMatchObject({ identifier: g, status: 'ok' });
    }
    const listed = await api(firmA, 'GET', '/v1/credentials?status=ok');
    expect((listed.body.items as { identifier: string }[]).map((i) => i.identifier)).toContain(g);

    const runId = await startRun(firmA, [clientsA[0]]);
    await finished(firmA, runId, 60_000);
    const [job] = await jobsOf(firmA, runId);
    expect({ outcome: job.outcome, errorMessage: job.errorMessage }).toEqual({
      outcome: 'succeeded',
      errorMessage: null,
    });
  });

  it("ends throttled jobs succeeded once the portal allows, and serves a small firm's job before a big firm's backlog", async () => {
    const requeuedBefore = await metricTotal(
      stack.urls['sync-orchestrator'],
      'sync_jobs_rate_limit_requeued_total',
    );
    // Every call takes 300 ms, so the big firm's calls are still in flight when the small firm's job arrives.
    await faults({ rateLimitPerMinute: RATE_LIMIT, latencyMs: 300, latencyTail: false });
    const runA = await startRun(firmA, clientsA);
    const runB = await startRun(firmB, [clientB]);

    const doneB = await finished(firmB, runB, 150_000);
    const whenBFinished = (await api(firmA, 'GET', `/v1/sync-runs/${runA}`)).body as unknown as Run;
    const doneA = await finished(firmA, runA, 240_000);

    const jobs = [...(await jobsOf(firmA, runA)), ...(await jobsOf(firmB, runB))];
    expect(jobs).toHaveLength(clientsA.length + 1);
    for (const job of jobs) {
      // Never rate_limited: each throttled attempt waited for the portal's Retry-After without being spent.
      // (The first test synced one of the big firm's GSTINs already: that one is no_change.)
      expect({ subject: job.subject.value, errorCode: job.errorCode }).toEqual({
        subject: job.subject.value,
        errorCode: null,
      });
      expect(['succeeded', 'no_change']).toContain(job.outcome);
      expect(job.attempts).toBe(1);
    }
    expect(doneA.totals).toMatchObject({ failed: 0 });
    expect(doneB.totals).toMatchObject({ failed: 0, succeeded: 1 });

    // The portal did throttle (more jobs than it admits in a minute), and the jobs were re-queued for later.
    const requeued =
      (await metricTotal(stack.urls['sync-orchestrator'], 'sync_jobs_rate_limit_requeued_total')) -
      requeuedBefore;
    expect(requeued).toBeGreaterThan(0);
    expect(
      await metricTotal(stack.urls['connector-gst'], 'connector_rate_limited_jobs_total'),
    ).toBeGreaterThan(0);
    // Nine jobs at four a minute take three windows: the small firm's one job is not the last served.
    expect(whenBFinished.finishedAt).toBeNull();
    expect(Date.parse(doneB.finishedAt ?? '')).toBeLessThan(Date.parse(doneA.finishedAt ?? ''));
  });
});
