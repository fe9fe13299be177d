import type { Envelope, SyncRunChanged } from '@practice-sync/contracts';
import { BooksJobRequestedEvent } from '@practice-sync/contracts';
import { testInfra, waitFor } from '@practice-sync/testing';
import { v7 as uuidv7 } from 'uuid';

import type { FakeLink } from '../test/fake-peers';
import { FakeBooksConnector, FakeClientMaster } from '../test/fake-peers';
import type { OrchestratorUnderTest } from '../test/orchestrator-harness';
import { startOrchestrator } from '../test/orchestrator-harness';

interface Run {
  id: string;
  status: string;
  subjectKind: string;
  clients: unknown;
  links: unknown;
  categories: string[];
  totals: Record<string, number>;
  finishedAt: string | null;
}
interface Job {
  id: string;
  linkId: string | null;
  clientId: string | null;
  category: string;
  subject: { kind: string; value: string | null };
  status: string;
  outcome: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  counts: Record<string, number>;
  failedObjects: number | null;
}
interface LinkSummary {
  linkId: string;
  counts: Record<string, number>;
  objects: Record<string, number>;
  jobs: Job[];
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

/** A link between a branch (client side) and the HO (server side) with a masters and a transactions rule. */
function makeLink(
  opts: { masters?: 'active' | 'proposed' | 'rejected'; transactions?: 'active' | 'rejected' } = {},
): FakeLink {
  const rule = (cls: 'masters' | 'transactions', status: 'active' | 'proposed' | 'rejected') => ({
    id: uuidv7(),
    class: cls,
    types: [],
    direction: cls === 'masters' ? ('receive' as const) : ('send' as const),
    fromDate: null,
    status,
    reason: status === 'rejected' ? `the HO keeps its own ${cls}` : null,
  });
  return {
    id: uuidv7(),
    clientCompany: { id: uuidv7(), booksUrl: 'http://127.0.0.1:9/books/branch' },
    serverCompany: { id: uuidv7(), booksUrl: 'http://127.0.0.1:9/books/ho' },
    rules: [rule('masters', opts.masters ?? 'active'), rule('transactions', opts.transactions ?? 'active')],
  };
}

const BOTH = ['books.masters', 'books.transactions'];

/**
 * Runs over branch links through the orchestrator alone on real PostgreSQL and Kafka: client-master's link
 * selection and connector-books are fakes (HTTP and Kafka), as in sync-orchestrator.integration-spec.ts.
 */
describe('sync-orchestrator: runs over branch links', () => {
  const infra = testInfra();
  const clientMaster = new FakeClientMaster();
  let orch: OrchestratorUnderTest;
  let base: string;
  let books: FakeBooksConnector;
  let runEvents: Envelope<SyncRunChanged>[];

  beforeAll(async () => {
    orch = await startOrchestrator({
      infra,
      clientMaster,
      topics: 'orchbooks.',
      runEventsGroup: 'test.books-run-events',
      env: {
        FAN_OUT_PAGE_SIZE: '3',
        DISPATCH_FIRM_MAX_IN_FLIGHT: '2',
        DISPATCH_PORTAL_MAX_IN_FLIGHT: '4',
        JOB_MAX_ATTEMPTS: '3',
        JOB_RETRY_BASE_MS: '200',
        JOB_RETRY_MAX_MS: '400',
        JOB_RESULT_DEADLINE_MS: '20000',
        BOOKS_LINK_MAX_AGE_MS: '400',
      },
    });
    ({ base, runEvents } = orch);
    books = new FakeBooksConnector(orch.messaging);
    await books.start('test.fake-connector-books');
  });

  afterAll(async () => {
    await orch?.stop();
  });

  beforeEach(() => {
    books.answer = () => ({ outcome: 'succeeded', counts: { created: 2, altered: 1 } });
    books.delayMs = 20;
  });

  const call = <T>(method: string, path: string, body?: unknown) => orch.call<T>(method, path, body);
  const finished = (firmId: string, runId: string) => orch.finished<Run>(firmId, runId);

  async function startRun(firmId: string, links: unknown, categories = BOTH): Promise<Run> {
    const res = await call<Run>('POST', `/${firmId}/sync-runs`, { links, categories });
    expect(res.status).toBe(202);
    return res.body;
  }

  async function jobsOf(firmId: string, runId: string): Promise<Job[]> {
    return (await call<Page<Job>>('GET', `/${firmId}/sync-runs/${runId}/jobs?limit=500`)).body.items;
  }

  it('fans a run out per link × class, sends each job with its link, skips a rejected rule, and summarises by link', async () => {
    const firmId = uuidv7();
    const good = [makeLink(), makeLink(), makeLink(), makeLink()];
    const rejected = makeLink({ transactions: 'rejected' });
    clientMaster.links.set(firmId, [...good, rejected]);
    books.delayMs = 150;

    const run = await startRun(firmId, { all: true });
    expect(run).toMatchObject({
      subjectKind: 'links',
      clients: null,
      links: { all: true },
      categories: BOTH,
    });
    const stream = fetch(`${base}/${firmId}/sync-runs/${run.id}/events`).then((r) => r.text());
    const done = await finished(firmId, run.id);
    expect(done.status).toBe('completed');
    expect(done.totals).toMatchObject({
      jobs: 10,
      succeeded: 9,
      skipped: 1,
      failed: 0,
      work: 9,
      workFinished: 9,
    });

    // Each dispatched job carried exactly what connector-books needs, valid against its contract.
    const sent = books.received.filter((r) => r.job.runId === run.id);
    expect(sent).toHaveLength(9);
    for (const { job, firmId: firm } of sent) {
      expect(() => BooksJobRequestedEvent.schema.parse(job)).not.toThrow();
      const link = [...good, rejected].find((l) => l.id === job.linkId) as FakeLink;
      const cls = job.category === 'books.masters' ? 'masters' : 'transactions';
      expect(firm).toBe(firmId);
      expect(job).toMatchObject({
        firmId,
        attempt: 1,
        client: { companyId: link.clientCompany.id, booksUrl: link.clientCompany.booksUrl },
        server: { companyId: link.serverCompany.id, booksUrl: link.serverCompany.booksUrl },
      });
      expect(job.rules.map((r) => r.id)).toEqual(link.rules.filter((r) => r.class === cls).map((r) => r.id));
    }
    // The rejected rule moved nothing: no request for it, and the log says which rule and why.
    expect(sent.some((r) => r.job.linkId === rejected.id && r.job.category === 'books.transactions')).toBe(
      false,
    );
    const jobs = await jobsOf(firmId, run.id);
    const skipped = jobs.find((j) => j.outcome === 'skipped') as Job;
    expect(skipped).toMatchObject({ linkId: rejected.id, category: 'books.transactions', attempts: 0 });
    expect(skipped.errorMessage).toBe(
      `rule ${rejected.rules[1].id} rejected: the HO keeps its own transactions; no active rule for transactions, so nothing moved`,
    );
    // Every job that ran was sent once: nothing was re-dispatched or doubled.
    expect(jobs.filter((j) => j.outcome === 'succeeded').every((j) => j.attempts === 1)).toBe(true);

    const summary = (await call<Page<LinkSummary>>('GET', `/${firmId}/sync-runs/${run.id}/summary?limit=3`))
      .body;
    expect(summary.items.map((i) => i.linkId)).toEqual(
      [...good, rejected]
        .map((l) => l.id)
        .sort()
        .slice(0, 3),
    );
    const rest = (
      await call<Page<LinkSummary>>(
        'GET',
        `/${firmId}/sync-runs/${run.id}/summary?limit=3&cursor=${summary.nextCursor as string}`,
      )
    ).body;
    const byLink = new Map([...summary.items, ...rest.items].map((i) => [i.linkId, i]));
    expect(byLink.size).toBe(5);
    expect(byLink.get(good[0].id)).toMatchObject({
      counts: { succeeded: 2, skipped: 0 },
      objects: { created: 4, altered: 2, deleted: 0, unchanged: 0, held: 0, conflicts: 0, errors: 0 },
    });
    expect(byLink.get(rejected.id)).toMatchObject({
      counts: { succeeded: 1, skipped: 1 },
      objects: { created: 2, altered: 1 },
    });
    expect(byLink.get(rejected.id)?.jobs.map((j) => j.category)).toEqual(BOTH);
    const linkJobs = (
      await call<Page<Job>>('GET', `/${firmId}/sync-runs/${run.id}/jobs?linkId=${good[1].id}`)
    ).body.items;
    expect(linkJobs.map((j) => j.linkId)).toEqual([good[1].id, good[1].id]);

    // SSE: progress while the jobs ran, and the terminal event with the final totals.
    const events = (await stream)
      .split('\n\n')
      .filter((b) => b.startsWith('event:'))
      .map((b) => ({
        event: b.split('\n')[0].slice(7),
        data: JSON.parse(b.split('\n')[1].slice(6)) as SyncRunChanged,
      }));
    expect(events.some((e) => e.event === 'progress')).toBe(true);
    expect(events[events.length - 1]).toMatchObject({
      event: 'completed',
      data: { totals: expect.objectContaining({ succeeded: 9, skipped: 1 }) },
    });
    // And the run's completion on sync.runs.v1, exactly as for a portal run.
    await waitFor(
      async () => runEvents.find((e) => e.data.runId === run.id && e.data.change === 'completed'),
      { timeoutMs: 10_000, description: 'completed run event' },
    );
  });

  it('records counts, refused objects and outcomes; retries a retryable failure with back-off; retry-failed re-reads the rules', async () => {
    const firmId = uuidv7();
    const [a, b, c] = [makeLink(), makeLink(), makeLink()];
    clientMaster.links.set(firmId, [a, b, c]);
    const attemptsSeen = new Map<string, number>();
    books.answer = (job) => {
      attemptsSeen.set(job.jobId, job.attempt);
      if (job.linkId === a.id) return { outcome: 'partial', counts: { created: 3 }, failed: 2 };
      if (job.linkId === b.id) {
        // The books server is down for b's first attempt only.
        return job.attempt === 1
          ? { outcome: 'failed', errorCode: 'portal_unavailable', retryable: true }
          : { outcome: 'no_change', counts: { unchanged: 5 } };
      }
      return job.category === 'books.masters'
        ? { outcome: 'failed', errorCode: 'invalid_response', retryable: false }
        : { outcome: 'succeeded', counts: { deleted: 1 } };
    };
    const run = await startRun(firmId, { ids: [a.id, b.id, c.id] });
    const done = await finished(firmId, run.id);
    expect(done.totals).toMatchObject({ jobs: 6, partial: 2, noChange: 2, failed: 1, succeeded: 1 });
    const jobs = await jobsOf(firmId, run.id);
    const of = (link: FakeLink, category: string) =>
      jobs.find((j) => j.linkId === link.id && j.category === category) as Job;
    expect(of(a, 'books.masters')).toMatchObject({
      outcome: 'partial',
      counts: { created: 3, errors: 2 },
      failedObjects: 2,
    });
    expect(of(b, 'books.masters')).toMatchObject({
      outcome: 'no_change',
      attempts: 2,
      counts: { unchanged: 5 },
    });
    expect(of(c, 'books.masters')).toMatchObject({
      outcome: 'failed',
      errorCode: 'invalid_response',
      attempts: 1,
    });
    expect(of(c, 'books.transactions')).toMatchObject({ outcome: 'succeeded', counts: { deleted: 1 } });

    // Between the run and its retry the HO rejects c's masters rule: the retry honours it and moves nothing.
    c.rules[0].status = 'rejected';
    c.rules[0].reason = 'masters are kept at the HO now';
    books.answer = () => ({ outcome: 'succeeded' });
    const retry = await call<Run>('POST', `/${firmId}/sync-runs/${run.id}/retry`);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ subjectKind: 'links', links: { retryOf: run.id } });
    const retried = await finished(firmId, retry.body.id);
    // The partial jobs of a and the failed job of c: c's is skipped now, a's two are sent again.
    expect(retried.totals).toMatchObject({ jobs: 3, succeeded: 2, skipped: 1 });
    const retryJobs = await jobsOf(firmId, retry.body.id);
    expect(retryJobs.find((j) => j.outcome === 'skipped')).toMatchObject({
      linkId: c.id,
      category: 'books.masters',
      errorMessage: expect.stringContaining(`rule ${c.rules[0].id} rejected: masters are kept at the HO now`),
    });
    expect(books.received.filter((r) => r.job.runId === retry.body.id).map((r) => r.job.linkId)).toEqual([
      a.id,
      a.id,
    ]);
  });

  it('honours a rule rejected after fan-out: a job still waiting for a slot is skipped, never sent', async () => {
    const firmId = uuidv7();
    const links = Array.from({ length: 4 }, () => makeLink());
    clientMaster.links.set(firmId, links);
    books.delayMs = 1200;
    const run = await startRun(firmId, { all: true }, ['books.masters']);
    // Two are out (the firm's cap); the last link (jobs go in link id order) waits at least one round.
    await waitFor(
      async () => (books.received.filter((r) => r.job.runId === run.id).length >= 1 ? true : undefined),
      { timeoutMs: 20_000, description: 'the first books job to be dispatched' },
    );
    const last = links.slice().sort((a, b) => a.id.localeCompare(b.id))[3];
    last.rules[0].status = 'rejected';
    last.rules[0].reason = 'the HO stopped sharing masters';
    // And a rule changed meanwhile is sent as it is now: the third link’s masters rule gains a type filter.
    const third = links.slice().sort((a, b) => a.id.localeCompare(b.id))[2];
    third.rules[0].types = ['Ledger'];
    const done = await finished(firmId, run.id);
    expect(done.totals).toMatchObject({ jobs: 4, succeeded: 3, skipped: 1 });
    const sent = books.received.filter((r) => r.job.runId === run.id);
    expect(sent.map((r) => r.job.linkId)).not.toContain(last.id);
    expect(sent.find((r) => r.job.linkId === third.id)?.job.rules[0].types).toEqual(['Ledger']);
    const skipped = (await jobsOf(firmId, run.id)).find((j) => j.linkId === last.id) as Job;
    expect(skipped).toMatchObject({ outcome: 'skipped', attempts: 0 });
    expect(skipped.errorMessage).toContain(
      `rule ${last.rules[0].id} rejected: the HO stopped sharing masters`,
    );
  });

  it('cancels a books run: jobs not yet sent are cancelled and never sent', async () => {
    const firmId = uuidv7();
    const links = Array.from({ length: 6 }, () => makeLink());
    clientMaster.links.set(firmId, links);
    books.delayMs = 1500;
    const run = await startRun(firmId, { all: true });
    // Two are out (the firm's cap), ten wait.
    await waitFor(
      async () => (books.received.filter((r) => r.job.runId === run.id).length >= 2 ? true : undefined),
      {
        timeoutMs: 20_000,
        description: 'the first books jobs to be dispatched',
      },
    );
    const cancelled = await call<Run>('POST', `/${firmId}/sync-runs/${run.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const done = await finished(firmId, run.id);
    expect(done.status).toBe('cancelled');
    const sent = books.received.filter((r) => r.job.runId === run.id).length;
    expect(done.totals.cancelled).toBe(12 - sent);
    expect(done.totals.succeeded).toBe(sent);
    expect(sent).toBeLessThan(12);
  });

  it('refuses link ids that are not the firm’s, naming each, and `all` in a firm without links', async () => {
    const firmId = uuidv7();
    const mine = makeLink();
    clientMaster.links.set(firmId, [mine]);
    const elsewhere = makeLink();
    clientMaster.links.set(uuidv7(), [elsewhere]);
    const unknown = uuidv7();
    const res = await call<Problem>('POST', `/${firmId}/sync-runs`, {
      links: { ids: [mine.id, elsewhere.id, unknown] },
      categories: ['books.masters'],
    });
    expect(res.status).toBe(422);
    expect(res.body.type).toMatch(/selection-matches-nothing$/);
    expect(res.body.errors).toEqual([
      { field: 'links.ids[1]', message: `no branch link of this firm has the id ${elsewhere.id}` },
      { field: 'links.ids[2]', message: `no branch link of this firm has the id ${unknown}` },
    ]);
    const none = await call<Problem>('POST', `/${uuidv7()}/sync-runs`, {
      links: { all: true },
      categories: ['books.masters'],
    });
    expect(none.status).toBe(422);
    expect(none.body.errors).toEqual([{ field: 'links.all', message: 'this firm has no branch link yet' }]);
    const mixed = await call<Problem>('POST', `/${firmId}/sync-runs`, {
      links: { all: true },
      categories: ['books.masters', 'gst.gstr2b'],
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.errors).toEqual([
      { field: 'categories[1]', message: expect.stringContaining('`clients`') },
    ]);
  });

  it('POST …/branch-links/{id}/snapshot: a run of one books.snapshot job with replace; 404 unknown, 409 no receive rule, 400 bad body', async () => {
    const firmId = uuidv7();
    const link = makeLink();
    const sendOnly = makeLink({ masters: 'rejected' });
    clientMaster.links.set(firmId, [link, sendOnly]);
    const res = await call<Run>('POST', `/${firmId}/branch-links/${link.id}/snapshot`, { replace: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      subjectKind: 'links',
      links: { ids: [link.id] },
      categories: ['books.snapshot'],
    });
    const done = await finished(firmId, res.body.id);
    expect(done.totals).toMatchObject({ jobs: 1, succeeded: 1 });
    const [sent] = books.received.filter((r) => r.job.runId === res.body.id).map((r) => r.job);
    expect(() => BooksJobRequestedEvent.schema.parse(sent)).not.toThrow();
    // The snapshot goes by the rules that move books server → client (here the masters rule), with replace.
    expect(sent).toMatchObject({ category: 'books.snapshot', linkId: link.id, snapshot: { replace: true } });
    expect(sent.rules.map((r) => r.id)).toEqual([link.rules[0].id]);
    const [job] = await jobsOf(firmId, res.body.id);
    expect(job).toMatchObject({ category: 'books.snapshot', linkId: link.id, outcome: 'succeeded' });

    const plain = await call<Run>('POST', `/${firmId}/branch-links/${link.id}/snapshot`, {});
    expect(plain.status).toBe(201);
    await finished(firmId, plain.body.id);
    expect(books.received.find((r) => r.job.runId === plain.body.id)?.job.snapshot).toEqual({
      replace: false,
    });

    const unknown = await call<Problem>('POST', `/${firmId}/branch-links/${uuidv7()}/snapshot`, {});
    expect(unknown.status).toBe(404);
    const norule = await call<Problem>('POST', `/${firmId}/branch-links/${sendOnly.id}/snapshot`, {});
    expect(norule.status).toBe(409);
    expect(norule.body.detail).toContain(`rule ${sendOnly.rules[0].id} is rejected`);
    expect(norule.body.detail).toMatch(/add one and have the server company activate it$/);
    const bad = await call<Problem>('POST', `/${firmId}/branch-links/${link.id}/snapshot`, {
      replace: 'yes',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { field: 'replace', message: expect.stringContaining('true or false') },
    ]);
  });
});
