import type { INestApplication } from '@nestjs/common';
import type { Envelope, SyncRunChanged } from '@practice-sync/contracts';
import { gstinCheckCharacter } from '@practice-sync/contracts';
import { KafkaMessaging } from '@practice-sync/messaging';
import { testInfra, waitFor } from '@practice-sync/testing';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { FakeClient } from '../test/fake-peers';
import { FakeClientMaster, FakeConnector } from '../test/fake-peers';
import type { OrchestratorUnderTest } from '../test/orchestrator-harness';
import { startOrchestrator } from '../test/orchestrator-harness';
import { FanOutService } from './fan-out/fan-out.service';
import { FanOutWorker } from './fan-out/fan-out.worker';

interface Run {
  id: string;
  status: string;
  totals: Record<string, number>;
  finishedAt: string | null;
  scheduleId: string | null;
}
interface Job {
  id: string;
  clientId: string;
  category: string;
  subject: { kind: string; value: string | null };
  status: string;
  outcome: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

function panFor(n: number): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const a = letters[Math.floor(n / 26) % 26];
  const b = letters[n % 26];
  return `AA${a}P${b}${String(1000 + (n % 9000)).padStart(4, '0')}K`;
}
function gstinFor(pan: string): string {
  const first14 = `27${pan}1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}
let clientSeq = 0;
function makeClients(n: number, tags: string[] = []): FakeClient[] {
  return Array.from({ length: n }, () => {
    const pan = panFor(clientSeq++);
    return {
      id: uuidv7(),
      name: `Client ${pan}`,
      pan,
      gstins: [gstinFor(pan)],
      esignClientFileId: null,
      tags,
    };
  });
}

/**
 * The orchestrator alone on real PostgreSQL and Kafka, with client-master and the connectors replaced by
 * fakes (HTTP and Kafka), so outages, lost results and slow portals can be staged exactly.
 */
describe('sync-orchestrator', () => {
  const infra = testInfra();
  const clientMaster = new FakeClientMaster();
  let orch: OrchestratorUnderTest;
  let app: INestApplication;
  let base: string;
  let connector: FakeConnector;
  let runEvents: Envelope<SyncRunChanged>[];

  beforeAll(async () => {
    orch = await startOrchestrator({
      infra,
      clientMaster,
      // Its own topics: the fake results it publishes must not reach other services' suites in this run.
      topics: 'orch.',
      runEventsGroup: 'test.run-events',
      env: {
        FAN_OUT_PAGE_SIZE: '7',
        DISPATCH_FIRM_MAX_IN_FLIGHT: '4',
        DISPATCH_PORTAL_MAX_IN_FLIGHT: '6',
        JOB_MAX_ATTEMPTS: '6',
        JOB_RETRY_BASE_MS: '200',
        JOB_RETRY_MAX_MS: '800',
        JOB_RESULT_DEADLINE_MS: '2500',
        PROGRESS_INTERVAL_MS: '400',
        SCHEDULE_POLL_MS: '200',
      },
    });
    ({ app, base, runEvents } = orch);
    connector = new FakeConnector(orch.messaging);
    await connector.start('test.fake-connector');
  });

  afterAll(async () => {
    await orch?.stop();
  });

  beforeEach(() => {
    connector.answer = () => ({ outcome: 'succeeded' });
    connector.delayMs = 20;
  });

  const call = <T>(method: string, path: string, body?: unknown) => orch.call<T>(method, path, body);
  const finished = (firmId: string, runId: string, timeoutMs?: number) =>
    orch.finished<Run>(firmId, runId, timeoutMs);

  async function startRun(firmId: string, clients: unknown, categories = ['gst.gstr2b']): Promise<Run> {
    const res = await call<Run>('POST', `/${firmId}/sync-runs`, {
      clients,
      categories,
      period: { gst: '042026' },
    });
    expect(res.status).toBe(202);
    return res.body;
  }

  /** A firm with `n` new clients and a run over all of them, completed: a finished fan-out to reopen. */
  async function completedRun(n: number): Promise<{ firmId: string; run: Run }> {
    const firmId = uuidv7();
    clientMaster.clients.set(firmId, makeClients(n));
    const run = await startRun(firmId, { all: true });
    expect((await finished(firmId, run.id)).status).toBe('completed');
    return { firmId, run };
  }

  async function jobsOf(firmId: string, runId: string): Promise<Job[]> {
    const all: Job[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page = (await call<Page<Job>>('GET', `/${firmId}/sync-runs/${runId}/jobs?limit=500${q}`)).body;
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  it('rides out a portal outage: retryable failures are re-dispatched with back-off until they succeed', async () => {
    const firmId = uuidv7();
    const clients = makeClients(10);
    clientMaster.clients.set(firmId, clients);
    // The outage lasts for the portal's first 15 requests (counted, not timed: a loaded machine may take
    // longer than any fixed window to send the first one). Each failed attempt must be re-dispatched.
    const failing = new Set<string>();
    const asked = new Set<string>();
    const mine = new Set(clients.map((c) => c.id));
    connector.answer = (job) => {
      // Only this run's requests count: a job of an earlier test still in flight must not use up the outage.
      if (!mine.has(job.clientId)) return { outcome: 'succeeded' };
      const request = `${job.jobId}#${job.attempt}`;
      if (!asked.has(request) && asked.add(request).size <= 15) failing.add(request);
      return failing.has(request)
        ? { outcome: 'failed', errorCode: 'portal_unavailable', retryable: true }
        : { outcome: 'succeeded' };
    };
    const run = await startRun(firmId, { all: true });
    const done = await finished(firmId, run.id);
    expect(done.status).toBe('completed');
    expect(done.totals).toMatchObject({ jobs: 10, succeeded: 10, failed: 0, pending: 0, running: 0 });
    const jobs = await jobsOf(firmId, run.id);
    expect(jobs.reduce((n, j) => n + j.attempts, 0)).toBe(10 + 15);
    expect(jobs.every((j) => j.outcome === 'succeeded' && j.errorCode === null)).toBe(true);
    // Every attempt was a real request; no job was sent again after it succeeded.
    const requests = connector.received.filter((r) => r.job.runId === run.id);
    expect(requests.length).toBe(jobs.reduce((n, j) => n + j.attempts, 0));
  });

  it('takes over a fan-out lease at once when its owner is dead, never while it lives', async () => {
    const { firmId, run } = await completedRun(3);
    const db = app.get(DataSource);
    const reopen = (owner: string) =>
      db.query(
        `UPDATE sync_runs SET status = 'running', finished_at = NULL, fan_out_done_at = NULL,
                fan_out_lease_until = now() + interval '1 hour', fan_out_owner = $2
          WHERE id = $1`,
        [run.id, owner],
      );
    // Held by a live instance (this one): an unexpired lease is never taken over.
    const self = app.get(KafkaMessaging).liveness.id;
    expect(self).toMatch(/^pg:\d+:\d+$/);
    await reopen(self ?? '');
    expect(await app.get(FanOutService).claimNext()).not.toBe(run.id);
    // Held by a killed instance (no PostgreSQL session has its identity): resumed despite the hour left.
    await reopen('pg:1:1');
    await waitFor(
      async () => {
        const [row] = (await db.query('SELECT fan_out_done_at, fan_out_owner FROM sync_runs WHERE id = $1', [
          run.id,
        ])) as { fan_out_done_at: Date | null; fan_out_owner: string | null }[];
        return row.fan_out_done_at !== null ? row : undefined;
      },
      { timeoutMs: 30_000, description: 'the dead owner’s fan-out to be resumed' },
    );
    expect((await finished(firmId, run.id)).totals).toMatchObject({ jobs: 3, succeeded: 3 });
  });

  it('leases an unfinished fan-out to one claimer at a time, with its identity and a 30 s lease', async () => {
    const { firmId, run } = await completedRun(2);
    const db = app.get(DataSource);
    const fanOut = app.get(FanOutService);
    const worker = app.get(FanOutWorker);
    // This instance's own loop must not take the run first: claims come from the test alone.
    await worker.beforeApplicationShutdown();
    try {
      await db.query(
        `UPDATE sync_runs SET status = 'running', finished_at = NULL, fan_out_done_at = NULL,
                fan_out_lease_until = NULL, fan_out_owner = NULL
          WHERE id = $1`,
        [run.id],
      );
      const claims = await Promise.all([fanOut.claimNext(), fanOut.claimNext(), fanOut.claimNext()]);
      expect(claims.filter((id) => id === run.id)).toHaveLength(1);
      const [lease] = (await db.query(
        `SELECT fan_out_owner AS owner, extract(epoch FROM fan_out_lease_until - now())::float8 AS seconds
           FROM sync_runs WHERE id = $1`,
        [run.id],
      )) as { owner: string | null; seconds: number }[];
      expect(lease.owner).toBe(app.get(KafkaMessaging).liveness.id);
      expect(lease.seconds).toBeGreaterThan(20);
      expect(lease.seconds).toBeLessThanOrEqual(30);
      // Leased by a live instance: nobody claims it again until the lease runs out.
      expect(await fanOut.claimNext()).not.toBe(run.id);
    } finally {
      // Hand the run back: the loop resumes its fan-out, which finds every job planned already.
      await db.query(`UPDATE sync_runs SET fan_out_lease_until = NULL, fan_out_owner = NULL WHERE id = $1`, [
        run.id,
      ]);
      worker.onApplicationBootstrap();
    }
    expect((await finished(firmId, run.id)).totals).toMatchObject({ jobs: 2, succeeded: 2 });
  });

  it('gives up after JOB_MAX_ATTEMPTS and records the failure with its code', async () => {
    const firmId = uuidv7();
    clientMaster.clients.set(firmId, makeClients(2));
    connector.answer = () => ({ outcome: 'failed', errorCode: 'rate_limited', retryable: true });
    const run = await startRun(firmId, { all: true });
    const done = await finished(firmId, run.id);
    expect(done.totals).toMatchObject({ jobs: 2, failed: 2 });
    const jobs = await jobsOf(firmId, run.id);
    expect(jobs.map((j) => [j.attempts, j.errorCode])).toEqual([
      [6, 'rate_limited'],
      [6, 'rate_limited'],
    ]);
    expect(jobs[0].errorMessage).toContain('after 6 attempts');
  });

  it('expires a lost job (no result by the deadline) and re-dispatches it', async () => {
    const firmId = uuidv7();
    clientMaster.clients.set(firmId, makeClients(3));
    const lostOnce = new Set<string>();
    connector.answer = (job) => {
      if (job.attempt === 1 && lostOnce.size === 0) {
        lostOnce.add(job.jobId);
        return { outcome: 'lost' };
      }
      return { outcome: 'succeeded' };
    };
    const run = await startRun(firmId, { all: true });
    const done = await finished(firmId, run.id);
    expect(done.totals).toMatchObject({ jobs: 3, succeeded: 3 });
    const lost = (await jobsOf(firmId, run.id)).find((j) => lostOnce.has(j.id));
    expect(lost).toMatchObject({ attempts: 2, outcome: 'succeeded' });
  });

  it('cancels mid-run: pending jobs are never dispatched, in-flight results are still recorded', async () => {
    const firmId = uuidv7();
    clientMaster.clients.set(firmId, makeClients(30));
    connector.delayMs = 400;
    const run = await startRun(firmId, { all: true });
    await waitFor(
      async () =>
        (await call<Run>('GET', `/${firmId}/sync-runs/${run.id}`)).body.totals.succeeded >= 2
          ? true
          : undefined,
      { timeoutMs: 30_000, description: 'a few results' },
    );
    const cancelled = await call<Run>('POST', `/${firmId}/sync-runs/${run.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const done = await finished(firmId, run.id);
    await new Promise((r) => setTimeout(r, 1500));
    const jobs = await jobsOf(firmId, run.id);
    const requested = new Set(
      connector.received.filter((r) => r.job.runId === run.id).map((r) => r.job.jobId),
    );
    const cancelledJobs = jobs.filter((j) => j.outcome === 'cancelled');
    expect(cancelledJobs.length).toBeGreaterThan(10);
    // No cancelled job ever reached the connector; every dispatched job's result was recorded.
    expect(cancelledJobs.filter((j) => requested.has(j.id))).toEqual([]);
    expect(cancelledJobs.every((j) => j.attempts === 0)).toBe(true);
    expect(jobs.filter((j) => j.outcome === 'succeeded').length).toBe(requested.size);
    expect(done).toMatchObject({ status: 'cancelled' });
    expect(done.totals.running + done.totals.pending).toBe(0);
    expect(done.totals.succeeded + done.totals.cancelled).toBe(done.totals.jobs);
    expect((await call('POST', `/${firmId}/sync-runs/${run.id}/cancel`)).status).toBe(200);
    const terminal = await waitFor(
      () => runEvents.find((e) => e.data.runId === run.id && e.data.change === 'cancelled'),
      { timeoutMs: 10_000, description: 'cancelled event' },
    );
    expect(terminal.data.totals).toEqual(done.totals);
  });

  it('retry makes a new run over the failed jobs only, which recovers them', async () => {
    const firmId = uuidv7();
    // Two categories, so the failures span clients and categories; 15 failed jobs > FAN_OUT_PAGE_SIZE (7):
    // the retry's fan-out copies them from the source run in several pages.
    const clients = makeClients(10);
    clientMaster.clients.set(firmId, clients);
    const failing = (job: { clientId: string; category: string }) =>
      job.category === 'gst.gstr2b' ? clients.findIndex((c) => c.id === job.clientId) % 3 !== 0 : true;
    connector.answer = (job) =>
      failing(job)
        ? { outcome: 'failed', errorCode: 'auth_failed', retryable: false }
        : { outcome: 'succeeded' };
    const run = await startRun(firmId, { all: true }, ['gst.gstr2b', 'gst.ims_2a']);
    const first = await finished(firmId, run.id);
    expect(first.totals).toMatchObject({ jobs: 20, succeeded: 4, failed: 16 });
    const failedBefore = (await jobsOf(firmId, run.id)).filter((j) => j.outcome === 'failed');

    connector.answer = () => ({ outcome: 'succeeded' });

    const retried = await call<Run & { clients: unknown; categories: string[] }>(
      'POST',
      `/${firmId}/sync-runs/${run.id}/retry`,
    );
    expect(retried.status).toBe(202);
    // The retry refers to its source run; it does not carry the failed clients' ids.
    expect(retried.body.clients).toEqual({ retryOf: run.id });
    expect(retried.body.categories).toEqual(['gst.gstr2b', 'gst.ims_2a']);
    const second = await finished(firmId, retried.body.id);
    expect(second.totals).toMatchObject({ jobs: 16, succeeded: 16, failed: 0 });
    const jobs = await jobsOf(firmId, retried.body.id);
    const key = (j: Job) => `${j.clientId}|${j.category}|${j.subject.value}`;
    expect(jobs.map(key).sort()).toEqual(failedBefore.map(key).sort());
    const got = (await call<{ clients: unknown }>('GET', `/${firmId}/sync-runs/${retried.body.id}`)).body;
    expect(got.clients).toEqual({ retryOf: run.id });

    const nothing = await call('POST', `/${firmId}/sync-runs/${retried.body.id}/retry`);
    expect(nothing.status).toBe(409);
  });

  it('counts no_data and partial apart, filters by them, retries a transient partial, and retry-failed takes partial but not no_data', async () => {
    const firmId = uuidv7();
    const clients = makeClients(6);
    clientMaster.clients.set(firmId, clients);
    const index = (job: { clientId: string }) => clients.findIndex((c) => c.id === job.clientId);
    const attempts = new Map<string, number>();
    connector.answer = (job) => {
      const i = index(job);
      if (i < 2) return { outcome: 'no_data' };
      if (i === 2) {
        // A transient failure of one part: retried by the orchestrator, fetched completely on the third try.
        attempts.set(job.jobId, job.attempt);
        return job.attempt < 3
          ? {
              outcome: 'partial',
              parts: ['AIS', 'TIS', '26AS'],
              failed: ['26AS'],
              errorCode: 'portal_unavailable',
              retryable: true,
            }
          : { outcome: 'succeeded' };
      }
      if (i === 3) {
        return {
          outcome: 'partial',
          parts: ['AIS', 'TIS', '26AS'],
          failed: ['TIS'],
          errorCode: 'invalid_response',
          retryable: false,
        };
      }
      return { outcome: 'succeeded' };
    };
    const run = await startRun(firmId, { all: true }, ['itr.ais_tis_26as']);
    const done = await finished(firmId, run.id);
    expect(done.status).toBe('completed');
    expect(done.totals).toMatchObject({
      jobs: 6,
      succeeded: 3,
      noData: 2,
      partial: 1,
      failed: 0,
      noChange: 0,
      work: 6,
      workFinished: 6,
    });
    expect([...attempts.values()]).toEqual([3]);

    const noData = (await call<Page<Job>>('GET', `/${firmId}/sync-runs/${run.id}/jobs?outcome=no_data`)).body;
    expect(noData.items.map((j) => j.clientId).sort()).toEqual([clients[0].id, clients[1].id].sort());
    expect(noData.items[0]).toMatchObject({ outcome: 'no_data', errorCode: null, retryable: false });
    const partial = (
      await call<Page<Job & { parts: unknown }>>('GET', `/${firmId}/sync-runs/${run.id}/jobs?outcome=partial`)
    ).body.items;
    expect(partial).toHaveLength(1);
    expect(partial[0]).toMatchObject({
      clientId: clients[3].id,
      errorCode: 'invalid_response',
      retryable: false,
      counts: { added: 2 },
      parts: [
        { name: 'AIS', status: 'fetched', records: 1 },
        { name: 'TIS', status: 'failed', errorCode: 'invalid_response', retryable: false },
        { name: '26AS', status: 'fetched', records: 1 },
      ],
    });
    const summary = (
      await call<Page<{ clientId: string; counts: Record<string, number> }>>(
        'GET',
        `/${firmId}/sync-runs/${run.id}/summary`,
      )
    ).body.items;
    const countsOf = (i: number) => summary.find((s) => s.clientId === clients[i].id)?.counts;
    expect(countsOf(0)).toMatchObject({ noData: 1, succeeded: 0, failed: 0 });
    expect(countsOf(3)).toMatchObject({ partial: 1, succeeded: 0, failed: 0 });

    connector.answer = () => ({ outcome: 'succeeded' });
    const retried = await call<Run>('POST', `/${firmId}/sync-runs/${run.id}/retry`);
    expect(retried.status).toBe(202);
    const second = await finished(firmId, retried.body.id);
    expect(second.totals).toMatchObject({ jobs: 1, succeeded: 1 });
    expect((await jobsOf(firmId, retried.body.id)).map((j) => j.clientId)).toEqual([clients[3].id]);
  });

  it('is fair: a small run started during a big one of the same firm finishes long before it', async () => {
    const firmId = uuidv7();
    const big = makeClients(60, ['big']);
    const small = makeClients(4, ['small']);
    clientMaster.clients.set(firmId, [...big, ...small]);
    connector.delayMs = 150;
    const bigRun = await startRun(firmId, { tags: ['big'] });
    await waitFor(
      async () =>
        (await call<Run>('GET', `/${firmId}/sync-runs/${bigRun.id}`)).body.totals.succeeded >= 4
          ? true
          : undefined,
      { timeoutMs: 30_000, description: 'the big run under way' },
    );
    const smallRun = await startRun(firmId, { tags: ['small'] });
    const smallDone = await finished(firmId, smallRun.id);
    const bigNow = (await call<Run>('GET', `/${firmId}/sync-runs/${bigRun.id}`)).body;
    expect(smallDone.totals.succeeded).toBe(4);
    expect(bigNow.finishedAt).toBeNull();
    expect(bigNow.totals.pending).toBeGreaterThan(20);
    // The firm cap (4) held throughout: never more than 4 of this firm's jobs with the connector at once.
    const bigDone = await finished(firmId, bigRun.id, 120_000);
    expect(bigDone.totals.succeeded).toBe(60);
    const progress = runEvents.filter((e) => e.data.runId === bigRun.id && e.data.change === 'progress');
    // Coalesced: far fewer progress events than the 60 results + 60 dispatches.
    expect(progress.length).toBeLessThan(60);
  });

  it('runs one active job per identifier, category and period: a second run reuses the first one’s result', async () => {
    const firmId = uuidv7();
    const clients = makeClients(1);
    clientMaster.clients.set(firmId, clients);
    connector.delayMs = 1500;
    const first = await startRun(firmId, { all: true });
    await waitFor(
      async () =>
        (await call<Run>('GET', `/${firmId}/sync-runs/${first.id}`)).body.totals.running === 1
          ? true
          : undefined,
      { timeoutMs: 10_000, description: 'first job dispatched' },
    );
    const second = await startRun(firmId, { all: true });
    const done = await finished(firmId, second.id);
    expect(done.totals).toMatchObject({ jobs: 1, succeeded: 1 });
    const [job] = await jobsOf(firmId, second.id);
    expect(job.attempts).toBe(0);
    expect(job.errorMessage).toMatch(/reused the result of job .* of run /);
    const requests = connector.received.filter((r) => r.job.subject.value === clients[0].gstins[0]);
    expect(requests).toHaveLength(1);
  });

  it('never reuses another client’s job: two clients sharing a GSTIN each fetch their own data', async () => {
    const firmId = uuidv7();
    const [a] = makeClients(1, ['a']);
    const b: FakeClient = { ...a, id: uuidv7(), pan: null, tags: ['b'] };
    clientMaster.clients.set(firmId, [a, b]);
    connector.delayMs = 1500;
    const first = await startRun(firmId, { tags: ['a'] });
    await waitFor(
      async () =>
        (await call<Run>('GET', `/${firmId}/sync-runs/${first.id}`)).body.totals.running === 1
          ? true
          : undefined,
      { timeoutMs: 10_000, description: 'first job dispatched' },
    );
    const second = await startRun(firmId, { tags: ['b'] });
    const done = await finished(firmId, second.id);
    expect(done.totals).toMatchObject({ jobs: 1, succeeded: 1 });
    const [job] = await jobsOf(firmId, second.id);
    // Fetched for client b itself (its records and status cell are b's), not copied from client a's job.
    expect(job).toMatchObject({ clientId: b.id, attempts: 1 });
    expect(job.errorMessage ?? '').not.toMatch(/reused/);
    const requests = connector.received.filter((r) => r.job.subject.value === a.gstins[0]);
    expect(requests.map((r) => r.job.clientId).sort()).toEqual([a.id, b.id].sort());
  });

  it('answers a per-client summary and streams progress over SSE until the terminal event', async () => {
    const firmId = uuidv7();
    const clients = makeClients(3);
    clients[2].gstins = [];
    clientMaster.clients.set(firmId, clients);
    connector.delayMs = 300;
    const run = await startRun(firmId, { all: true });
    const res = await fetch(`${base}/${firmId}/sync-runs/${run.id}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text(); // ends only when the server closes the stream
    const events = text
      .split('\n\n')
      .filter((b) => b.startsWith('event:'))
      .map((b) => ({
        event: b.split('\n')[0].slice(7),
        data: JSON.parse(b.split('\n')[1].slice(6)) as SyncRunChanged,
      }));
    expect(events[events.length - 1]).toMatchObject({ event: 'completed', data: { status: 'completed' } });
    expect(events[events.length - 1].data.totals).toMatchObject({ jobs: 3, succeeded: 2, skipped: 1 });
    // The skipped job is not the run's work: progress never counts it as done or pending.
    for (const e of events) {
      const t = e.data.totals;
      expect({ work: t.work, finished: t.workFinished }).toEqual({
        work: t.jobs - t.skipped,
        finished: t.jobs - t.skipped - t.pending - t.running,
      });
    }
    expect(events[events.length - 1].data.totals).toMatchObject({ work: 2, workFinished: 2 });

    const summary = (
      await call<Page<{ clientId: string; clientName: string; counts: Record<string, number>; jobs: Job[] }>>(
        'GET',
        `/${firmId}/sync-runs/${run.id}/summary?limit=2`,
      )
    ).body;
    expect(summary.items).toHaveLength(2);
    expect(summary.nextCursor).not.toBeNull();
    const rest = (
      await call<Page<{ clientId: string; clientName: string; counts: Record<string, number>; jobs: Job[] }>>(
        'GET',
        `/${firmId}/sync-runs/${run.id}/summary?limit=2&cursor=${summary.nextCursor}`,
      )
    ).body;
    const all = [...summary.items, ...rest.items];
    expect(all.map((s) => s.clientId).sort()).toEqual(clients.map((c) => c.id).sort());
    // The client's name as the fan-out saw it, on the summary and on every job.
    for (const s of all) {
      const name = clients.find((c) => c.id === s.clientId)?.name;
      expect(s).toMatchObject({ clientName: name, taxpayers: null });
      for (const j of s.jobs) expect(j).toMatchObject({ clientName: name, taxpayers: null });
    }
    const skipped = all.find((s) => s.clientId === clients[2].id);
    expect(skipped?.counts).toEqual({
      succeeded: 0,
      noChange: 0,
      failed: 0,
      skipped: 1,
      cancelled: 0,
      noData: 0,
      partial: 0,
    });
    expect(skipped?.jobs[0].errorMessage).toContain('no GSTIN');
    expect((await fetch(`${base}/${firmId}/sync-runs/${uuidv7()}/events`)).status).toBe(404);
  });

  it('runs a schedule on its timer, never overlapping itself, and stops when disabled', async () => {
    const firmId = uuidv7();
    clientMaster.clients.set(firmId, makeClients(2));
    connector.delayMs = 1200;
    const created = await call<{ id: string; nextRunAt: string | null }>(
      'POST',
      `/${firmId}/sync-schedules`,
      {
        name: 'every second',
        clients: { all: true },
        categories: ['gst.gstr2b'],
        every: 'PT0.3S',
      },
    );
    expect(created.status).toBe(201);
    const runsOf = async () =>
      (
        await call<Page<Run & { createdAt: string }>>('GET', `/${firmId}/sync-runs?limit=100`)
      ).body.items.filter((r) => r.scheduleId === created.body.id);
    const runs = await waitFor(async () => ((await runsOf()).length >= 2 ? runsOf() : undefined), {
      timeoutMs: 30_000,
      description: 'two scheduled runs',
    });
    await call('PATCH', `/${firmId}/sync-schedules/${created.body.id}`, { enabled: false });
    // Ticks every 0.3 s while each run takes > 1.2 s: a new run only ever starts after the previous finished.
    const ordered = [...runs].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (let i = 1; i < ordered.length; i++) {
      const prev = await finished(firmId, ordered[i - 1].id);
      expect(new Date(ordered[i].createdAt).getTime()).toBeGreaterThanOrEqual(
        new Date(prev.finishedAt as string).getTime(),
      );
    }
    const count = (await runsOf()).length;
    await new Promise((r) => setTimeout(r, 1000));
    expect((await runsOf()).length).toBe(count);
    const bad = await call<{ errors: { field: string; message: string }[] }>(
      'POST',
      `/${firmId}/sync-schedules`,
      { name: 'x', clients: { all: true }, categories: ['gst.gstr2b'], every: 'P1.5M' },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toEqual({ field: 'every', message: expect.stringContaining('whole numbers') });
    expect((await call('DELETE', `/${firmId}/sync-schedules/${created.body.id}`)).status).toBe(204);
    expect((await call('GET', `/${firmId}/sync-schedules/${created.body.id}`)).status).toBe(404);
  });
  it('refuses future periods and selections that match nothing with a 422 naming each; calendar schedules', async () => {
    const firmId = uuidv7();
    const otherFirm = uuidv7();
    const [mine] = makeClients(1, ['gst-monthly']);
    const [theirs] = makeClients(1, ['x']);
    clientMaster.clients.set(firmId, [mine]);
    clientMaster.clients.set(otherFirm, [theirs]);
    type Problem = { type: string; detail: string; errors: { field: string; message: string }[] };
    const post = (path: string, body: unknown) => call<Problem>('POST', `/${firmId}/${path}`, body);

    const future = await post('sync-runs', {
      clients: { all: true },
      categories: ['gst.gstr2b', 'itr.returns'],
      period: { gst: '012030', itr: '2040-41' },
    });
    expect(future.status).toBe(422);
    expect(future.body.type).toBe('https://practice-sync.dev/problems/period-not-available');
    expect(future.body.errors.map((e) => e.field)).toEqual(['period.gst', 'period.itr']);
    expect(future.body.errors[0].message).toMatch(/012030 is in the future; the latest period is \d{6}/);

    const nullYear = await post('sync-runs', {
      clients: { all: true },
      categories: ['itr.returns'],
      period: { itr: null },
    });
    expect(nullYear.status).toBe(400);
    expect(nullYear.body.errors[0]).toEqual({
      field: 'period.itr',
      message: expect.stringContaining('one run syncs one year'),
    });

    const tag = await post('sync-runs', {
      clients: { tags: ['gst-monthly', 'nope'] },
      categories: ['gst.all'],
    });
    expect(tag.status).toBe(422);
    expect(tag.body.type).toBe('https://practice-sync.dev/problems/selection-matches-nothing');
    expect(tag.body.errors).toEqual([{ field: 'clients.tags[1]', message: expect.stringContaining('nope') }]);

    const ids = await post('sync-runs', { clients: { ids: [mine.id, theirs.id] }, categories: ['gst.all'] });
    expect(ids.status).toBe(422);
    expect(ids.body.errors).toEqual([
      { field: 'clients.ids[1]', message: `no client of this firm has the id ${theirs.id}` },
    ]);

    // A schedule may name a tag no client has yet (it selects clients as they are tagged), not a foreign id.
    const schedule = (clients: unknown, timing: Record<string, string>) =>
      post('sync-schedules', { name: 's', clients, categories: ['gst.gstr2b'], ...timing });
    const monthly = await schedule(
      { tags: ['not-yet'] },
      { every: 'P1M', notBefore: '2027-01-31T09:00:00+05:30' },
    );
    expect(monthly.status).toBe(201);
    expect(monthly.body).toMatchObject({
      every: 'P1M',
      timezone: 'Asia/Kolkata',
      nextRunAt: '2027-01-31T03:30:00.000Z',
    });
    expect((await schedule({ ids: [theirs.id] }, { every: 'P1D' })).status).toBe(422);
    const dubai = await schedule({ all: true }, { cron: '0 9 * * *', timezone: 'Asia/Dubai' });
    expect(dubai.status).toBe(201);
    expect(new Date((dubai.body as unknown as { nextRunAt: string }).nextRunAt).getUTCHours()).toBe(5);
    const badZone = await schedule({ all: true }, { cron: '0 9 * * *', timezone: 'Mars/Olympus' });
    expect(badZone.status).toBe(400);
    expect(badZone.body.errors[0].field).toBe('timezone');

    const categories = (
      await call<{ items: { id: string; defaultPeriod: string | null }[] }>('GET', '/../categories')
    ).body.items;
    expect(categories).toHaveLength(10);
    expect(categories.find((c) => c.id === 'esign.signature_timestamps')?.defaultPeriod).toBeNull();
  });
});
