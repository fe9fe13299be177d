import type { InstanceName, StackHandle } from '@practice-sync/testing';
import { startStack, waitFor } from '@practice-sync/testing';

import { metricTotal } from './api-client';
import { call } from './gateway-http';
import type { Job, Page, Run } from './sync-run-views';
import { gstinFor } from './sync-run-views';

/**
 * Scale-out: two processes of every service (the sandbox aside) on one database and one broker share the work —
 * consumer groups split the partitions, connectors claim jobs with SKIP LOCKED leases, dispatch runs under one
 * lock — through the public API only. One stack of two instances per service:
 *
 * 1. the extra instances killed: a run on one instance of each service (the reference);
 * 2. the extra instances back: the same run over two instances each equals it (outcomes per client × category,
 *    records, change feed), and both connector and orchestrator instances did part of it;
 * 3. the same run again, with one of two connectors and one of two orchestrators SIGKILLed mid-run: the other
 *    takes over, the run completes, and it equals the reference (nothing lost, nothing doubled).
 *
 * Each run is a firm of its own with the same clients (the sandbox's world depends only on the identifiers), so
 * the three runs can be compared client by client. 25 clients × 6 categories = 150 jobs a run.
 */

const CLIENTS = 25;
const CATEGORIES = [
  'gst.notices_return_register',
  'gst.gstr3b_ledgers',
  'itr.returns',
  'itr.filing_status',
  'itr.notices_orders',
  'esign.signature_timestamps',
];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const panFor = (n: number) =>
  `SCO${LETTERS[Math.floor(n / 26) % 26]}P${String(1000 + n).padStart(4, '0')}${LETTERS[n % 26]}`;

function clientCsv(): string {
  const rows = ['name,pan,gstins,esignClientFileId,tags'];
  for (let n = 0; n < CLIENTS; n++) {
    const pan = panFor(n);
    rows.push([`Scale-out client ${n}`, pan, gstinFor(pan), `SCO-CF-${n}`, 'scale-out'].join(','));
  }
  return `${rows.join('\n')}\n`;
}

/** What a run produced, keyed by the client's PAN so that two firms' runs compare. */
interface RunResult {
  run: Run;
  /** `pan|category|period` → outcome. */
  outcomes: Map<string, string | null>;
  /** pan → sorted `category|period|naturalKey|hash|version|removed` of the client's records. */
  records: Map<string, string[]>;
  /** pan → change-feed entries of the client. */
  feed: Map<string, number>;
}

describe('scale-out: two instances of every service share the work (public API)', () => {
  let stack: StackHandle;
  let turn = 0;

  beforeAll(async () => {
    stack = await startStack({
      instances: 2,
      access: 'lax',
      env: {
        PORTAL_RATE_LIMIT_PER_MINUTE: '0',
        SANDBOX_QUEUE_READY_MS: '200',
        SANDBOX_ITR_JOB_READY_MS: '200',
        SANDBOX_ESIGN_POLL_INTERVAL_MS: '0',
        ASYNC_POLL_INTERVAL_MS: '100',
        RATE_LIMIT_POINTS: '1000000000',
        DISPATCH_POLL_MS: '100',
        JOB_RETRY_BASE_MS: '500',
        JOB_RETRY_MAX_MS: '2000',
        // A dead peer's group members go within 2 s (the default is 5 s).
        KAFKA_DEAD_MEMBER_SWEEP_MS: '2000',
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** Every call through a gateway instance that is alive, taking turns (the gateways scale out too). */
  const api = <T>(key: string, method: string, path: string, body?: unknown, contentType?: string) => {
    const gateways = stack.instances('gateway').filter((g) => g.alive);
    const gateway = gateways[turn++ % gateways.length].url;
    return call<T>(gateway, method, path, {
      key,
      ...(typeof body === 'string' ? { raw: body, contentType } : body === undefined ? {} : { body }),
    });
  };

  async function pages<T>(key: string, path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page: Page<T> = (
        await api<Page<T>>(key, 'GET', `${path}${sep}limit=200${cursor ? `&cursor=${cursor}` : ''}`)
      ).body;
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  /** A firm with the clients, and a started run over all of them. */
  async function startRun(firmName: string): Promise<{ key: string; runId: string }> {
    const firm = await stack.createFirmWithAdmin(firmName);
    const key = firm.adminApiKey;
    const imported = await api<{ totals: Record<string, number> }>(
      key,
      'POST',
      '/v1/clients/import',
      clientCsv(),
      'text/csv',
    );
    expect(imported.status).toBe(200);
    expect(imported.body.totals['created']).toBe(CLIENTS);
    const back = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 2, 1));
    const gstPeriod = `${String(back.getUTCMonth() + 1).padStart(2, '0')}${back.getUTCFullYear()}`;
    const started = await api<Run>(key, 'POST', '/v1/sync-runs', {
      clients: { tags: ['scale-out'] },
      categories: CATEGORIES,
      period: { gst: gstPeriod },
    });
    expect(started.status).toBe(202);
    return { key, runId: started.body.id };
  }

  async function finished(key: string, runId: string): Promise<Run> {
    return waitFor(
      async () => {
        const r = (await api<Run>(key, 'GET', `/v1/sync-runs/${runId}`)).body;
        return r.finishedAt !== null ? r : undefined;
      },
      { timeoutMs: 15 * 60_000, intervalMs: 1000, description: `run ${runId} to finish` },
    );
  }

  async function resultOf(key: string, runId: string): Promise<RunResult> {
    const run = await finished(key, runId);
    const clients = await pages<{ id: string; pan: string }>(key, '/v1/clients?tag=scale-out');
    const panOf = new Map(clients.map((c) => [c.id, c.pan]));
    const outcomes = new Map<string, string | null>();
    for (const j of await pages<Job>(key, `/v1/sync-runs/${runId}/jobs`)) {
      outcomes.set(`${panOf.get(j.clientId)}|${j.category}|${j.period}`, j.outcome);
    }
    const records = new Map<string, string[]>();
    const feed = new Map<string, number>();
    for (const c of clients) {
      const recs = await pages<{
        category: string;
        period: string | null;
        naturalKey: string;
        hash: string | null;
        version: number;
        removedAt: string | null;
      }>(key, `/v1/clients/${c.id}/records`);
      records.set(
        c.pan,
        recs
          .map(
            (r) => `${r.category}|${r.period}|${r.naturalKey}|${r.hash}|${r.version}|${r.removedAt !== null}`,
          )
          .sort(),
      );
      feed.set(c.pan, (await pages<{ runId: string }>(key, `/v1/clients/${c.id}/changes`)).length);
    }
    return { run, outcomes, records, feed };
  }

  function expectSame(actual: RunResult, reference: RunResult): void {
    expect(actual.run.status).toBe('completed');
    expect(actual.run.totals).toEqual(reference.run.totals);
    expect(actual.outcomes.size).toBe(CLIENTS * CATEGORIES.length);
    expect(Object.fromEntries(actual.outcomes)).toEqual(Object.fromEntries(reference.outcomes));
    expect(Object.fromEntries(actual.records)).toEqual(Object.fromEntries(reference.records));
    expect(Object.fromEntries(actual.feed)).toEqual(Object.fromEntries(reference.feed));
  }

  const EXTRA: InstanceName[] = [
    'client-master#2',
    'sync-orchestrator#2',
    'connector-gst#2',
    'connector-itr#2',
    'connector-esign#2',
    'connector-books#2',
    'gateway#2',
  ];
  /** Work each instance did: jobs a connector finished, messages an orchestrator consumed. */
  const work = async (instance: InstanceName) => {
    const { url, service } = stack.instances().find((i) => i.name === instance)!;
    return service === 'sync-orchestrator'
      ? metricTotal(url, 'messaging_consumed_total', 'result="handled"')
      : metricTotal(url, 'connector_jobs_total');
  };

  let reference: RunResult;

  it(
    'a run over two instances of every service equals the same run on one instance of each, and both instances work',
    async () => {
      for (const instance of EXTRA) await stack.kill(instance);
      const single = await startRun('Scale-out single');
      reference = await resultOf(single.key, single.runId);
      expect(reference.run.status).toBe('completed');
      expect(reference.outcomes.size).toBe(CLIENTS * CATEGORIES.length);
      // Something was fetched, or the comparisons below would prove little.
      expect([...reference.records.values()].flat().length).toBeGreaterThan(CLIENTS);

      await Promise.all(EXTRA.map((instance) => stack.restart(instance)));
      const before = await Promise.all(
        (['connector-gst', 'connector-gst#2', 'sync-orchestrator', 'sync-orchestrator#2'] as const).map(work),
      );
      const double = await startRun('Scale-out double');
      const doubled = await resultOf(double.key, double.runId);
      expectSame(doubled, reference);
      const after = await Promise.all(
        (['connector-gst', 'connector-gst#2', 'sync-orchestrator', 'sync-orchestrator#2'] as const).map(work),
      );
      // Both connectors worked GST jobs of this run, and both orchestrators consumed part of its results.
      expect(after.map((n, i) => n - before[i] > 0)).toEqual([true, true, true, true]);
    },
    30 * 60_000,
  );

  it(
    'killing one of two connectors and one of two orchestrators mid-run loses nothing and doubles nothing: the others take over',
    async () => {
      expect(reference).toBeDefined();
      const { key, runId } = await startRun('Scale-out killed');
      const jobs = CLIENTS * CATEGORIES.length;
      // Mid-run: a fifth of the jobs finished.
      await waitFor(
        async () => {
          const { totals, finishedAt } = (await api<Run>(key, 'GET', `/v1/sync-runs/${runId}`)).body;
          const done = jobs - (totals['pending'] ?? jobs) - (totals['running'] ?? 0);
          if (finishedAt !== null) throw new Error('the run finished before the kill');
          return done >= jobs / 5;
        },
        { timeoutMs: 10 * 60_000, intervalMs: 200, description: 'a fifth of the run done' },
      );
      // The first connector (its extra replica carries on) and the second orchestrator (the gateway's calls go
      // to the first: the test stack has no load balancer in front of the orchestrators).
      await Promise.all([stack.kill('connector-gst'), stack.kill('sync-orchestrator#2')]);
      const killed = await resultOf(key, runId);
      expectSame(killed, reference);
    },
    30 * 60_000,
  );
});
