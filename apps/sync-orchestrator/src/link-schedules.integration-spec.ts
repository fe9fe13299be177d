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
  links: unknown;
  categories: string[];
  scheduleId: string | null;
  finishedAt: string | null;
}
interface Schedule {
  id: string;
  subjectKind: string;
  clients: unknown;
  links: unknown;
  categories: string[];
  every: string | null;
  notBefore: string | null;
  lastRunId: string | null;
  nextRunAt: string | null;
  skippedAt: string | null;
  skipReason: string | null;
}
interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
  runId?: string;
}

function makeLink(state: FakeLink['state'], classes: ('masters' | 'transactions')[] = ['masters']): FakeLink {
  return {
    id: uuidv7(),
    state,
    clientCompany: { id: uuidv7(), booksUrl: 'http://127.0.0.1:9/books/branch' },
    serverCompany: { id: uuidv7(), booksUrl: 'http://127.0.0.1:9/books/ho' },
    rules: (['masters', 'transactions'] as const).map((cls) => ({
      id: uuidv7(),
      class: cls,
      types: [],
      direction: 'send' as const,
      fromDate: null,
      status: classes.includes(cls) ? ('active' as const) : ('proposed' as const),
      reason: null,
    })),
  };
}

const BOTH = ['books.masters', 'books.transactions'];

/**
 * Issue 22, "schedules and state", in the orchestrator on real PostgreSQL and Kafka (client-master and
 * connector-books are fakes): schedules over branch links fire on time, never before `notBefore`, and never
 * pile a run on a link whose run still goes (the skipped tick is on the schedule, with why); a failed link is
 * restarted over the classes its active rules move, and a restart is refused when there is nothing to restart.
 */
describe('sync-orchestrator: link schedules and restarts', () => {
  const infra = testInfra();
  const clientMaster = new FakeClientMaster();
  let orch: OrchestratorUnderTest;
  let books: FakeBooksConnector;

  beforeAll(async () => {
    orch = await startOrchestrator({
      infra,
      clientMaster,
      topics: 'orchlinksched.',
      env: { SCHEDULE_POLL_MS: '100', BOOKS_LINK_MAX_AGE_MS: '60000' },
    });
    books = new FakeBooksConnector(orch.messaging);
    await books.start('test.fake-connector-books-schedules');
  });

  afterAll(async () => {
    await orch?.stop();
  });

  beforeEach(() => {
    books.answer = () => ({ outcome: 'succeeded', counts: { created: 1 } });
    books.delayMs = 20;
  });

  const call = <T>(method: string, path: string, body?: unknown) => orch.call<T>(method, path, body);
  const finished = (firmId: string, runId: string) => orch.finished<Run>(firmId, runId);

  async function runsOf(firmId: string): Promise<Run[]> {
    return (await call<{ items: Run[] }>('GET', `/${firmId}/sync-runs?limit=100`)).body.items;
  }

  it('fires a schedule over links not before notBefore, as a run of its links × books.*, and again on its grid', async () => {
    const firmId = uuidv7();
    const link = makeLink('online', ['masters', 'transactions']);
    clientMaster.links.set(firmId, [link]);
    const notBefore = new Date(Date.now() + 1500);
    const created = await call<Schedule>('POST', `/${firmId}/sync-schedules`, {
      name: 'branch every second',
      links: { ids: [link.id] },
      categories: ['books.transactions', 'books.masters'],
      every: 'PT1S',
      notBefore: notBefore.toISOString(),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      subjectKind: 'links',
      clients: null,
      links: { ids: [link.id] },
      nextRunAt: notBefore.toISOString(),
      skippedAt: null,
    });
    expect(await runsOf(firmId)).toEqual([]);
    const first = await waitFor(
      async () => (await runsOf(firmId)).find((r) => r.scheduleId === created.body.id),
      { timeoutMs: 20_000, intervalMs: 100, description: 'the first scheduled run' },
    );
    expect(new Date((first as unknown as { createdAt: string }).createdAt).getTime()).toBeGreaterThanOrEqual(
      notBefore.getTime(),
    );
    expect(first).toMatchObject({ subjectKind: 'links', links: { ids: [link.id] }, categories: BOTH });
    await finished(firmId, first.id);
    // Every second: more runs follow, each over the same link.
    const later = await waitFor(
      async () => {
        const runs = (await runsOf(firmId)).filter((r) => r.scheduleId === created.body.id);
        return runs.length >= 3 ? runs : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, description: 'two more scheduled runs' },
    );
    expect(later.every((r) => r.subjectKind === 'links')).toBe(true);
    expect((await call('DELETE', `/${firmId}/sync-schedules/${created.body.id}`)).status).toBe(204);
  });

  it('skips a tick while its previous run still runs, says why on the schedule, and runs again once it ended', async () => {
    const firmId = uuidv7();
    const link = makeLink('online');
    clientMaster.links.set(firmId, [link]);
    books.delayMs = 4000;
    const created = await call<Schedule>('POST', `/${firmId}/sync-schedules`, {
      name: 'every second, slow books',
      links: { all: true },
      categories: ['books.masters'],
      every: 'PT1S',
    });
    expect(created.status).toBe(201);
    const first = await waitFor(async () => (await runsOf(firmId))[0], {
      timeoutMs: 20_000,
      description: 'the first scheduled run',
    });
    const skipped = await waitFor(
      async () => {
        const s = (await call<Schedule>('GET', `/${firmId}/sync-schedules/${created.body.id}`)).body;
        return s.skipReason ? s : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, description: 'a skipped tick' },
    );
    expect(skipped.skipReason).toMatch(new RegExp(`previous run ${first.id} is still (queued|running)`));
    expect(skipped.lastRunId).toBe(first.id);
    // While it runs, no second run was started.
    expect((await runsOf(firmId)).map((r) => r.id)).toEqual([first.id]);
    books.delayMs = 20;
    await finished(firmId, first.id);
    const next = await waitFor(
      async () => {
        const s = (await call<Schedule>('GET', `/${firmId}/sync-schedules/${created.body.id}`)).body;
        return s.lastRunId !== first.id ? s : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, description: 'a run after the slow one' },
    );
    expect(next).toMatchObject({ skippedAt: null, skipReason: null });
    await call('DELETE', `/${firmId}/sync-schedules/${created.body.id}`);
  });

  it('skips a tick while another run over the same link goes (a manual run), not for other links', async () => {
    const firmId = uuidv7();
    const busy = makeLink('online');
    const free = makeLink('online');
    clientMaster.links.set(firmId, [busy, free]);
    books.delayMs = 3000;
    const manual = await call<Run>('POST', `/${firmId}/sync-runs`, {
      links: { ids: [busy.id] },
      categories: ['books.masters'],
    });
    expect(manual.status).toBe(202);
    const onBusy = await call<Schedule>('POST', `/${firmId}/sync-schedules`, {
      name: 'busy link',
      links: { ids: [busy.id] },
      categories: ['books.masters'],
      every: 'PT1H',
    });
    const onFree = await call<Schedule>('POST', `/${firmId}/sync-schedules`, {
      name: 'free link',
      links: { ids: [free.id] },
      categories: ['books.masters'],
      every: 'PT1H',
    });
    const busySchedule = await waitFor(
      async () => {
        const s = (await call<Schedule>('GET', `/${firmId}/sync-schedules/${onBusy.body.id}`)).body;
        return s.skippedAt ? s : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, description: 'the busy link schedule to skip its tick' },
    );
    expect(busySchedule.skipReason).toMatch(
      new RegExp(`run ${manual.body.id} over the same branch links is still (queued|running)`),
    );
    expect(busySchedule.lastRunId).toBeNull();
    const freeSchedule = await waitFor(
      async () => {
        const s = (await call<Schedule>('GET', `/${firmId}/sync-schedules/${onFree.body.id}`)).body;
        return s.lastRunId ? s : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, description: 'the free link schedule to start its run' },
    );
    expect(freeSchedule.skippedAt).toBeNull();
    books.delayMs = 20;
  });

  it('refuses bad schedules over links with the field and the fix, and never switches what a schedule is over', async () => {
    const firmId = uuidv7();
    const link = makeLink('online');
    clientMaster.links.set(firmId, [link]);
    const bad = async (body: Record<string, unknown>) =>
      (await call<Problem>('POST', `/${firmId}/sync-schedules`, { name: 'x', every: 'PT1M', ...body })).body;
    expect(
      (await bad({ clients: { all: true }, links: { all: true }, categories: ['books.masters'] })).errors,
    ).toEqual(expect.arrayContaining([{ field: 'links', message: expect.stringContaining('not both') }]));
    expect((await bad({ links: { all: true }, categories: ['gst.all'] })).errors).toEqual([
      { field: 'categories[0]', message: expect.stringContaining('cannot run over branch links') },
    ]);
    const unknown = uuidv7();
    const notOurs = await call<Problem>('POST', `/${firmId}/sync-schedules`, {
      name: 'x',
      every: 'PT1M',
      links: { ids: [unknown] },
      categories: ['books.masters'],
    });
    expect(notOurs.status).toBe(422);
    expect(notOurs.body.errors).toEqual([
      { field: 'links.ids[0]', message: expect.stringContaining(unknown) },
    ]);

    const s = await call<Schedule>('POST', `/${firmId}/sync-schedules`, {
      name: 'ok',
      links: { all: true },
      categories: ['books.masters'],
      every: 'PT1H',
      enabled: false,
    });
    expect(s.status).toBe(201);
    const switched = await call<Problem>('PATCH', `/${firmId}/sync-schedules/${s.body.id}`, {
      clients: { all: true },
    });
    expect(switched.status).toBe(400);
    expect(switched.body.errors).toEqual([
      { field: 'clients', message: expect.stringContaining('cannot change') },
    ]);
    const portal = await call<Problem>('PATCH', `/${firmId}/sync-schedules/${s.body.id}`, {
      categories: ['gst.gstr2b'],
    });
    expect(portal.body.errors).toEqual([
      { field: 'categories[0]', message: expect.stringContaining('cannot run over branch links') },
    ]);
    const changed = await call<Schedule>('PATCH', `/${firmId}/sync-schedules/${s.body.id}`, {
      links: { ids: [link.id] },
      categories: BOTH,
    });
    expect(changed.body).toMatchObject({ links: { ids: [link.id] }, categories: BOTH });
  });

  it('restarts a failed link over its active classes; refuses a second restart, an online link, no active rule and an unknown link', async () => {
    const firmId = uuidv7();
    const failed = makeLink('failed', ['transactions']);
    const online = makeLink('online');
    const inactive = makeLink('failed', []);
    clientMaster.links.set(firmId, [failed, online, inactive]);
    books.delayMs = 2000;

    const restarted = await call<Run>('POST', `/${firmId}/branch-links/${failed.id}/restart`);
    expect(restarted.status).toBe(201);
    expect(restarted.body).toMatchObject({
      subjectKind: 'links',
      links: { ids: [failed.id] },
      categories: ['books.transactions'],
    });
    const again = await call<Problem>('POST', `/${firmId}/branch-links/${failed.id}/restart`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      type: 'https://practice-sync.dev/problems/link-syncing',
      runId: restarted.body.id,
    });
    const notFailed = await call<Problem>('POST', `/${firmId}/branch-links/${online.id}/restart`);
    expect(notFailed).toMatchObject({
      status: 409,
      body: { type: 'https://practice-sync.dev/problems/link-not-failed' },
    });
    expect(notFailed.body.detail).toContain('POST /v1/sync-runs');
    expect(
      (await call<Problem>('POST', `/${firmId}/branch-links/${inactive.id}/restart`)).body,
    ).toMatchObject({ status: 422, type: 'https://practice-sync.dev/problems/no-active-rule' });
    expect((await call<Problem>('POST', `/${firmId}/branch-links/${uuidv7()}/restart`)).status).toBe(404);
    expect((await call<Problem>('POST', `/${uuidv7()}/branch-links/${failed.id}/restart`)).status).toBe(404);

    books.delayMs = 20;
    const done = await finished(firmId, restarted.body.id);
    expect(done.status).toBe('completed');
    const sent = books.received.filter((r) => r.job.runId === restarted.body.id);
    expect(sent.map((r) => [r.job.linkId, r.job.category])).toEqual([[failed.id, 'books.transactions']]);
    // Once the run ended, the link may be restarted again (it still reads failed here).
    expect((await call('POST', `/${firmId}/branch-links/${failed.id}/restart`)).status).toBe(201);
  });
});
