import { gstinCheckCharacter } from '@practice-sync/contracts';
import type { StackHandle } from '@practice-sync/testing';
import { grantPortalAccess, startStack, waitFor } from '@practice-sync/testing';

import { ApiClient, metricTotal } from './api-client';

interface Client {
  id: string;
  name: string;
  pan: string | null;
  gstins: string[];
}
interface SyncRun {
  id: string;
  status: string;
  totals: Record<string, number>;
  finishedAt: string | null;
}
interface SyncJob {
  id: string;
  clientId: string;
  category: string;
  status: string;
  outcome: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  counts: { added: number; updated: number; removed: number; unchanged: number };
  finishedAt: string | null;
}
interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}
interface List<T> {
  items: T[];
  nextCursor: string | null;
}

const CATEGORIES = ['gst.gstr2b', 'itr.filing_status', 'esign.signature_timestamps'];
const PANS = ['AAACR5055K', 'BBBPK1234L', 'CCCFM9876Q'];

function gstinFor(pan: string, state = '27'): string {
  const first14 = `${state}${pan}1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}

function previousGstPeriod(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
  return `${String(d.getUTCMonth() + 1).padStart(2, '0')}${d.getUTCFullYear()}`;
}

/**
 * The stack runs as production does (access required: the sandbox demands portal sessions, the connectors fail a
 * job without stored access), and the firm grants access through the public API.
 */
describe('walking skeleton: one multi-client sync through real Kafka and PostgreSQL', () => {
  let stack: StackHandle;
  let api: ApiClient;
  let adminApiKey: string;

  beforeAll(async () => {
    stack = await startStack();
    const firm = await stack.createFirmWithAdmin('E2E Associates');
    adminApiKey = firm.adminApiKey;
    api = new ApiClient(stack.gatewayUrl, adminApiKey);
  });

  async function completed(runId: string): Promise<SyncRun> {
    return waitFor(
      async () => {
        const r = await api.get<SyncRun>(`/v1/sync-runs/${runId}`);
        return r.body.status === 'completed' ? r.body : undefined;
      },
      { timeoutMs: 120000, intervalMs: 500, description: `run ${runId} to complete` },
    );
  }

  afterAll(async () => {
    await stack?.stop();
  });

  it('rejects bad client input with a problem naming the field, and creates nothing', async () => {
    const badGstin = `${gstinFor(PANS[0]).slice(0, 14)}X`;
    const res = await api.post<Problem>('/v1/clients', { name: 'Bad GSTIN Ltd', gstins: [badGstin] });
    expect(res.status).toBe(400);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.errors?.map((e) => e.field)).toContain('gstins[0]');
    expect(res.body.errors?.find((e) => e.field === 'gstins[0]')?.message).toMatch(/check character/);

    const badPan = await api.post<Problem>('/v1/clients', { name: 'Bad PAN', pan: 'ABCDE12345' });
    expect(badPan.status).toBe(400);
    expect(badPan.body.errors?.map((e) => e.field)).toContain('pan');

    const unknownField = await api.post<Problem>('/v1/clients', { name: 'X', pan: PANS[0], colour: 'blue' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors?.map((e) => e.field)).toContain('colour');

    const list = await api.get<List<Client>>('/v1/clients');
    expect(list.body.items).toEqual([]);
  });

  it('rejects a bad sync-run request with a problem naming the field, and starts nothing', async () => {
    const res = await api.post<Problem>('/v1/sync-runs', {
      clients: { all: true },
      categories: ['gst.gstr2b', 'gst.everything'],
    });
    expect(res.status).toBe(400);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.errors?.map((e) => e.field)).toContain('categories[1]');

    const badPeriod = await api.post<Problem>('/v1/sync-runs', {
      clients: { all: true },
      categories: ['gst.gstr2b'],
      period: { gst: '13-2025' },
    });
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body.errors?.map((e) => e.field)).toContain('period.gst');

    const runs = await api.get<List<SyncRun>>('/v1/sync-runs');
    expect(runs.body.items).toEqual([]);
  });

  const clients: Client[] = [];
  let firstNoData = 0;

  it('fails every job credentials_missing, saying what to do, until the firm grants portal access', async () => {
    for (const [i, pan] of PANS.entries()) {
      const res = await api.post<Client>('/v1/clients', {
        name: `Client ${i + 1}`,
        pan,
        gstins: [gstinFor(pan)],
        esignClientFileId: `CF-${1000 + i}`,
        office: 'Mumbai',
        tags: ['e2e'],
      });
      expect(res.status).toBe(201);
      clients.push(res.body);
    }

    const started = await api.post<SyncRun>('/v1/sync-runs', {
      clients: { ids: [clients[0].id] },
      categories: CATEGORIES,
      period: { gst: previousGstPeriod() },
    });
    expect(started.status).toBe(202);
    const run = await completed(started.body.id);
    expect(run.totals).toMatchObject({ jobs: 3, failed: 3, succeeded: 0, noChange: 0 });
    const jobs = (await api.get<List<SyncJob>>(`/v1/sync-runs/${run.id}/jobs`)).body.items;
    for (const job of jobs) {
      expect(job).toMatchObject({ outcome: 'failed', errorCode: 'credentials_missing' });
      // The explanation names the step a person takes (an OTP, the intermediary account, the API key).
      expect(job.errorMessage).toMatch(/is stored|consent/);
    }
  });

  it('runs 3 clients × 3 categories to completed once access is granted, with every outcome in the jobs, client-master and metrics', async () => {
    const granted = await grantPortalAccess(stack.gatewayUrl, adminApiKey, {
      gstins: clients.flatMap((c) => c.gstins),
      pans: clients.map((c) => c.pan ?? ''),
      esign: true,
    });
    expect(granted).toEqual({ gstSessions: 3, itrConsents: 3, esignAccount: true });
    const access = await api.get<List<{ portal: string; status: string }>>('/v1/credentials?limit=100');
    expect(access.status).toBe(200);
    expect(access.body.items.filter((a) => a.status !== 'ok')).toEqual([]);

    const started = await api.post<SyncRun>('/v1/sync-runs', {
      clients: { all: true },
      categories: CATEGORIES,
      period: { gst: previousGstPeriod() },
    });
    expect(started.status).toBe(202);
    const runId = started.body.id;

    const run = await completed(runId);
    expect(run.totals.jobs).toBe(9);
    expect(run.totals.pending + run.totals.running).toBe(0);
    // A category where the portal holds nothing for the period ends no_data, never "succeeded" with 0 records.
    expect(run.totals.succeeded + run.totals.noChange + run.totals.noData).toBe(9);
    firstNoData = run.totals.noData;
    expect(run.finishedAt).not.toBeNull();

    const jobs = (await api.get<List<SyncJob>>(`/v1/sync-runs/${runId}/jobs?limit=100`)).body.items;
    expect(jobs).toHaveLength(9);
    for (const client of clients) {
      const own = jobs.filter((j) => j.clientId === client.id);
      expect(own.map((j) => j.category).sort()).toEqual([...CATEGORIES].sort());
      for (const job of own) {
        expect(job.status).toBe('done');
        expect(['succeeded', 'no_change', 'no_data']).toContain(job.outcome);
        if (job.outcome === 'succeeded') expect(job.counts.added).toBeGreaterThan(0);
        expect(job.finishedAt).not.toBeNull();
      }
      // client-master recorded the same outcome in the status grid
      const status = await api.get<{ items: { category: string; lastOutcome: string; lastRunId: string }[] }>(
        `/v1/clients/${client.id}/status`,
      );
      expect(status.status).toBe(200);
      for (const job of own) {
        const cell = status.body.items.find((c) => c.category === job.category);
        expect(cell).toMatchObject({ lastOutcome: job.outcome, lastRunId: runId });
      }
    }

    // the job counters are on each service's /metrics (this run's 9 jobs and the 3 without access before it)
    const u = stack.urls;
    await waitFor(async () => (await metricTotal(u['client-master'], 'client_master_results_total')) === 12, {
      timeoutMs: 10000,
      description: 'client-master to count 12 results',
    });
    expect(await metricTotal(u['sync-orchestrator'], 'sync_jobs_completed_total')).toBe(12);
    expect(await metricTotal(u['sync-orchestrator'], 'sync_jobs_dispatched_total')).toBe(12);
    for (const connector of ['connector-gst', 'connector-itr', 'connector-esign'] as const) {
      expect(await metricTotal(u[connector], 'connector_jobs_total')).toBe(4);
    }
    expect(
      await metricTotal(u.gateway, 'process_cpu_user_seconds_total', 'service="gateway"'),
    ).toBeGreaterThan(0);
  });

  it('reports no_change for every job when the same sync runs again with the portal unchanged', async () => {
    const started = await api.post<SyncRun>('/v1/sync-runs', {
      clients: { tags: ['e2e'] },
      categories: CATEGORIES,
      period: { gst: previousGstPeriod() },
    });
    expect(started.status).toBe(202);
    const run = await waitFor(
      async () => {
        const r = await api.get<SyncRun>(`/v1/sync-runs/${started.body.id}`);
        return r.body.status === 'completed' ? r.body : undefined;
      },
      { timeoutMs: 120000, intervalMs: 500, description: 'second run to complete' },
    );
    // What held nothing still holds nothing (no_data); everything else is unchanged.
    expect(run.totals).toMatchObject({
      jobs: 9,
      noChange: 9 - firstNoData,
      noData: firstNoData,
      succeeded: 0,
      failed: 0,
    });
  });
});
