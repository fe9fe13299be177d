import type { StackHandle } from '@practice-sync/testing';
import { startStack, waitFor } from '@practice-sync/testing';

import type { Answer } from './gateway-http';
import { call } from './gateway-http';
import type { Job, Page, Run } from './sync-run-views';
import { gstinFor } from './sync-run-views';

/**
 * Outcomes a firm can trust (issue 19, items 3, 7 and part of 8), through the public API on a real stack: a
 * fetch that finds nothing ends `no_data` ("nothing on the portal for this period"), never a success; one
 * statement of AIS/TIS/26AS failing keeps the others (`partial`, per-part reasons, retried without duplicates);
 * skipped jobs are counted apart from the run's work. Test subjects are picked from the sandbox's world facts.
 * Portal access is granted through the public API as a firm would (GST OTP, ERI account and PAN consent), so the
 * spec holds whether the stack requires access or not.
 */

/** The OTP the portal sandbox sends for every GSTIN and taxpayer. */
const SANDBOX_OTP = '575757';

const ITR_PERIOD = '2025-26';
const FY = '2024-25';
const KINDS = ['AIS', 'TIS', '26AS'] as const;
type Statements = Record<(typeof KINDS)[number], { fails: boolean; entries: number }>;

interface PartView {
  name: string;
  status: string;
  records: number;
  errorCode: string | null;
  errorMessage: string | null;
  retryable: boolean;
}
type JobView = Job & { parts: PartView[] | null; retryable: boolean | null };
interface Cell {
  category: string;
  period: string | null;
  lastOutcome: string;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  lastSuccessAt: string | null;
}
interface ClientSummary {
  clientId: string;
  counts: Record<string, number>;
  jobs: JobView[];
}

/** A distinct valid PAN per n in its own series (holder type P), e.g. TRUPA0001Q. */
function panFor(series: string, n: number): string {
  const l = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return `${series}P${l[Math.floor(n / 10_000) % 26]}${String(n % 10_000).padStart(4, '0')}${l[n % 26]}`;
}

describe('outcomes a firm can trust: no_data, partial statements, skipped apart from work', () => {
  let stack: StackHandle;
  let key: string;
  /** A GST period whose GSTR-2B is generated whatever today's date (two months back). */
  const back = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 2, 1));
  const gstPeriod = `${String(back.getUTCMonth() + 1).padStart(2, '0')}${back.getUTCFullYear()}`;

  beforeAll(async () => {
    stack = await startStack({
      env: {
        SANDBOX_ITR_JOB_READY_MS: '200',
        ASYNC_POLL_INTERVAL_MS: '100',
        DISPATCH_POLL_MS: '100',
        // A statement the portal cannot prepare is retryable: three attempts, quickly.
        JOB_MAX_ATTEMPTS: '3',
        JOB_RETRY_BASE_MS: '300',
        JOB_RETRY_MAX_MS: '1000',
      },
    });
    key = (await stack.createFirmWithAdmin('Trust & Co')).adminApiKey;
    // The firm's e-filing intermediary account; each PAN's consent is taken when its client is created.
    const eri = await api('PUT', '/v1/credentials/itr', {
      clientId: 'eri-client',
      clientSecret: 'eri-secret',
      userId: 'ERIP000001',
      password: 'eri-password',
    });
    expect(eri.status).toBe(200);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const api = <T>(method: string, path: string, body?: unknown): Promise<Answer<T>> =>
    call<T>(stack.gatewayUrl, method, path, { key, ...(body === undefined ? {} : { body }) });

  async function world<T>(path: string): Promise<T> {
    return (await call<T>(stack.sandboxUrl, 'GET', path)).body;
  }

  /** The first PAN of a series whose AIS, TIS and Form 26AS for FY match `wanted`. */
  async function panWhere(series: string, wanted: (s: Statements) => boolean): Promise<[string, Statements]> {
    for (let n = 1; n < 2_000; n++) {
      const pan = panFor(series, n);
      const facts = await world<{ statements: Statements }>(`/itr/_sandbox/taxpayers/${pan}?fy=${FY}`);
      if (wanted(facts.statements)) return [pan, facts.statements];
    }
    throw new Error(`no PAN of series ${series} fits`);
  }

  async function createClient(body: { name: string; pan?: string; gstins?: string[] }): Promise<string> {
    const res = await api<{ id: string }>('POST', '/v1/clients', body);
    expect(res.status).toBe(201);
    for (const gstin of body.gstins ?? []) {
      expect((await api('PUT', `/v1/credentials/gst/${gstin}`, { username: 'trust-user' })).status).toBe(200);
      expect((await api('POST', `/v1/credentials/gst/${gstin}/otp`, { otp: SANDBOX_OTP })).status).toBe(200);
    }
    if (body.pan) {
      await api('POST', `/v1/credentials/itr/${body.pan}/consent`, {});
      const consent = await api('POST', `/v1/credentials/itr/${body.pan}/consent`, { otp: SANDBOX_OTP });
      expect(consent.status).toBe(200);
    }
    return res.body.id;
  }

  async function sync(clientIds: string[], categories: string[]): Promise<Run> {
    const res = await api<Run>('POST', '/v1/sync-runs', {
      clients: { ids: clientIds },
      categories,
      period: { gst: gstPeriod, itr: ITR_PERIOD },
    });
    expect(res.status).toBe(202);
    return finished(res.body.id);
  }

  async function finished(runId: string): Promise<Run> {
    return waitFor(
      async () => {
        const r = (await api<Run>('GET', `/v1/sync-runs/${runId}`)).body;
        return r.finishedAt !== null ? r : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250, description: `run ${runId} to finish` },
    );
  }

  async function jobs(runId: string, query = ''): Promise<JobView[]> {
    return (await api<Page<JobView>>('GET', `/v1/sync-runs/${runId}/jobs?limit=100${query}`)).body.items;
  }

  async function cell(clientId: string, category: string, outcome: string): Promise<Cell> {
    return waitFor(
      async () =>
        (await api<{ items: Cell[] }>('GET', `/v1/clients/${clientId}/status`)).body.items.find(
          (c) => c.category === category && c.lastOutcome === outcome,
        ),
      { timeoutMs: 30_000, intervalMs: 250, description: `${category} ${outcome} in the status grid` },
    );
  }

  async function statementRecords(clientId: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `category=itr.ais_tis_26as&limit=200${cursor ? `&cursor=${cursor}` : ''}`;
      const page: Page<{ naturalKey: string }> = (
        await api<Page<{ naturalKey: string }>>('GET', `/v1/clients/${clientId}/records?${q}`)
      ).body;
      keys.push(...page.items.map((r) => r.naturalKey));
      cursor = page.nextCursor;
    } while (cursor);
    return keys;
  }

  it('a run whose jobs find nothing ends no_data (job, totals, summary, client status); a GST no-data code too; skipped jobs are not work', async () => {
    // A PAN whose statements for the year are all empty (and prepared): the portal holds nothing.
    const [emptyPan] = await panWhere('TRU', (s) => KINDS.every((k) => !s[k].fails && s[k].entries === 0));
    // A GSTIN with no purchases in the period: GSTR-2B answers RET2B1016 ("No document found").
    let dormant = '';
    for (let n = 1; n < 2_000 && !dormant; n++) {
      const gstin = gstinFor(panFor('DRM', n));
      const facts = await world<{ gstr2b: { generated: boolean; invoices: number } }>(
        `/gst/_sandbox/taxpayers/${gstin}?period=${gstPeriod}`,
      );
      if (facts.gstr2b.generated && facts.gstr2b.invoices === 0) dormant = gstin;
    }
    expect(dormant).not.toBe('');
    const person = await createClient({ name: 'Nirmala Empty', pan: emptyPan });
    const shop = await createClient({ name: 'Dormant Traders', gstins: [dormant] });

    const run = await sync([person, shop], ['itr.ais_tis_26as', 'gst.gstr2b']);
    expect(run.status).toBe('completed');
    // Four jobs: two found nothing, two are categories the clients cannot have (no GSTIN / no PAN).
    expect(run.totals).toEqual({
      jobs: 4,
      pending: 0,
      running: 0,
      succeeded: 0,
      noChange: 0,
      failed: 0,
      skipped: 2,
      cancelled: 0,
      noData: 2,
      partial: 0,
      work: 2,
      workFinished: 2,
    });

    const noData = await jobs(run.id, '&outcome=no_data');
    expect(noData.map((j) => [j.clientId, j.category]).sort()).toEqual(
      [
        [person, 'itr.ais_tis_26as'],
        [shop, 'gst.gstr2b'],
      ].sort(),
    );
    for (const j of noData) {
      expect(j).toMatchObject({ status: 'done', errorCode: null, retryable: false });
      // AIS/TIS/26AS is read part by part: each part was fetched and is empty. GSTR-2B is one part.
      expect(j.parts).toEqual(
        j.category === 'itr.ais_tis_26as'
          ? KINDS.map((name) => ({
              name,
              status: 'fetched',
              records: 0,
              errorCode: null,
              errorMessage: null,
              retryable: false,
            }))
          : null,
      );
      expect(j.counts).toEqual({ added: 0, updated: 0, removed: 0, unchanged: 0 });
      expect(j.errorMessage).toMatch(/^nothing on the portal for this period/);
    }
    // The GSTR-2B job says which GSTN "no data" code the portal answered.
    expect(noData.find((j) => j.category === 'gst.gstr2b')?.errorMessage).toContain('RET2B1016');
    expect((await jobs(run.id, '&outcome=succeeded')).length).toBe(0);

    const summary = (await api<Page<ClientSummary>>('GET', `/v1/sync-runs/${run.id}/summary`)).body.items;
    for (const id of [person, shop]) {
      expect(summary.find((s) => s.clientId === id)?.counts).toEqual({
        succeeded: 0,
        noChange: 0,
        failed: 0,
        skipped: 1,
        cancelled: 0,
        noData: 1,
        partial: 0,
      });
    }

    // The status grid: a completed fetch of nothing, not a failure (its last success is set).
    for (const [id, category] of [
      [person, 'itr.ais_tis_26as'],
      [shop, 'gst.gstr2b'],
    ] as const) {
      const c = await cell(id, category, 'no_data');
      expect(c.lastErrorCode).toBeNull();
      expect(c.lastSuccessAt).not.toBeNull();
    }

    // Progress (SSE) counts the skipped jobs apart: the run's work is 2, all of it finished.
    const events = await call<string>(stack.gatewayUrl, 'GET', `/v1/sync-runs/${run.id}/events`, { key });
    const last = String(events.body)
      .split('\n\n')
      .filter((b) => b.includes('data:'))
      .map((b) => JSON.parse(b.slice(b.indexOf('data:') + 5)) as { totals: Record<string, number> })
      .pop();
    expect(last?.totals).toMatchObject({ jobs: 4, skipped: 2, noData: 2, work: 2, workFinished: 2 });
  });

  it('one statement failing keeps the others: partial with per-part reasons, retried, and a retry run duplicates nothing', async () => {
    const [pan, statements] = await panWhere(
      'PRT',
      (s) =>
        KINDS.filter((k) => s[k].fails).length === 1 && KINDS.every((k) => s[k].fails || s[k].entries > 0),
    );
    const failedKind = KINDS.find((k) => statements[k].fails);
    const keptKinds = KINDS.filter((k) => k !== failedKind);
    const kept = keptKinds.reduce((n, k) => n + statements[k].entries, 0);
    const clientId = await createClient({ name: 'Partha Partial', pan });

    const run = await sync([clientId], ['itr.ais_tis_26as']);
    expect(run.totals).toMatchObject({
      jobs: 1,
      partial: 1,
      failed: 0,
      succeeded: 0,
      work: 1,
      workFinished: 1,
    });
    const [job] = await jobs(run.id, '&outcome=partial');
    expect(job).toMatchObject({
      outcome: 'partial',
      errorCode: 'portal_unavailable',
      retryable: true,
      // Retried while attempts were left (the portal said "request it again later"), then reported.
      attempts: 3,
      counts: { added: kept, updated: 0, removed: 0 },
    });
    expect(job.errorMessage).toContain(`${failedKind} failed:`);
    expect(job.errorMessage).toContain('after 3 attempts');
    expect(job.parts).toEqual(
      KINDS.map((k) =>
        k === failedKind
          ? {
              name: k,
              status: 'failed',
              records: 0,
              errorCode: 'portal_unavailable',
              errorMessage: expect.stringContaining('could not produce'),
              retryable: true,
            }
          : {
              name: k,
              status: 'fetched',
              records: statements[k].entries,
              errorCode: null,
              errorMessage: null,
              retryable: false,
            },
      ),
    );
    const summary = (await api<Page<ClientSummary>>('GET', `/v1/sync-runs/${run.id}/summary`)).body.items;
    expect(summary[0].counts).toMatchObject({ partial: 1, failed: 0, succeeded: 0 });

    // The kept statements' records are stored; the failed one has none.
    const records = await waitFor(
      async () => {
        const keys = await statementRecords(clientId);
        return keys.length >= kept ? keys : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'the kept statements in client-master' },
    );
    expect(records).toHaveLength(kept);
    expect(new Set(records.map((k) => k.split('|')[1]))).toEqual(new Set(keptKinds));
    const status = await cell(clientId, 'itr.ais_tis_26as', 'partial');
    expect(status).toMatchObject({ lastErrorCode: 'portal_unavailable', lastSuccessAt: null });

    // "Retry failed" takes the partial job; the kept statements are unchanged, nothing is duplicated.
    const retry = await api<Run>('POST', `/v1/sync-runs/${run.id}/retry`);
    expect(retry.status).toBe(202);
    const again = await finished(retry.body.id);
    expect(again.totals).toMatchObject({ jobs: 1, partial: 1 });
    const [second] = await jobs(again.id);
    expect(second.counts).toEqual({ added: 0, updated: 0, removed: 0, unchanged: kept });
    expect(await statementRecords(clientId)).toHaveLength(kept);
  });
});
