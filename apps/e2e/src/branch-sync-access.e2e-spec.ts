import { readFileSync } from 'node:fs';

import type { ServiceName, StackHandle } from '@practice-sync/testing';
import { SandboxBooks, startStack, waitFor } from '@practice-sync/testing';

import { bookKey, BooksWorld, isVoucher } from './books-world';
import type { Answer } from './gateway-http';
import { call } from './gateway-http';

/**
 * Issue 22, "schedules and state" and "who may sync", on the whole stack through the public API: a viewer
 * cannot start a branch sync (403, nothing started) and an operator can; a schedule over a link every minute
 * fires not before its `notBefore` and syncs, then again a minute later; a branch whose books server goes
 * offline on an online link leaves the link `failed` with the reason, and a restart once it is back brings it
 * `online` with what it held; and no service's log holds anything from the books (names, narrations, amounts).
 */
interface Run {
  id: string;
  status: string;
  subjectKind: string;
  links: unknown;
  categories: string[];
  scheduleId: string | null;
  createdAt: string;
  finishedAt: string | null;
  totals: Record<string, number>;
}
interface Link {
  id: string;
  state: string;
  error: string | null;
  lastSyncAt: string | null;
  rules: { id: string }[];
}
interface Schedule {
  id: string;
  subjectKind: string;
  links: unknown;
  every: string;
  notBefore: string;
  nextRunAt: string | null;
  lastRunId: string | null;
  skippedAt: string | null;
  skipReason: string | null;
}

const TYPE = 'https://practice-sync.dev/problems/';
const BOTH = ['books.masters', 'books.transactions'];
/** The practice-sync services whose logs must hold nothing from the books (the sandbox is the books). */
const SERVICES: ServiceName[] = ['gateway', 'client-master', 'sync-orchestrator', 'connector-books'];

describe('branch sync: who may sync, schedules and link state', () => {
  let stack: StackHandle;
  let books: SandboxBooks;
  let admin: string;
  let operator: string;
  let viewer: string;
  const as =
    (key: string) =>
    <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<Answer<T>> =>
      call<T>(stack.gatewayUrl, method, path, { key, body });
  let world: BooksWorld;
  const ho = bookKey('access-ho');
  const pune = bookKey('access-pune');
  const nashik = bookKey('access-nashik');
  const companyNames = ['Kothari Fabrics HO', 'Kothari Fabrics Pune', 'Kothari Fabrics Nashik'];
  let puneLink: Link;
  let nashikLink: Link;
  let schedule: Schedule;
  let firstScheduledRun: Run;
  let lateVoucher: string;

  const company = (key: string, name: string, role: 'head_office' | 'branch', vouchers: number) =>
    world.company(key, name, role, vouchers);
  const activeLink = (branchId: string, hoId: string): Promise<Link> => world.link<Link>(branchId, hoId);

  async function newKey(firmId: string, role: string): Promise<string> {
    const res = await as(admin)<{ key: string }>('POST', `/v1/firms/${firmId}/api-keys`, {
      name: role,
      role,
    });
    expect(res.status).toBe(201);
    return res.body.key;
  }

  const link = async (id: string): Promise<Link> =>
    (await as(viewer)<Link>('GET', `/v1/branch-links/${id}`)).body;

  async function finished(runId: string): Promise<Run> {
    return waitFor(
      async () => {
        const run = (await as(viewer)<Run>('GET', `/v1/sync-runs/${runId}`)).body;
        return run.finishedAt ? run : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 250, description: `run ${runId} to finish` },
    );
  }

  /** Every voucher the branch holds is at the HO. */
  async function expectConsolidated(branch: string): Promise<void> {
    const atHo = new Set((await books.objects(ho)).filter(isVoucher).map((v) => v.guid));
    const theirs = (await books.objects(branch)).filter(isVoucher).map((v) => v.guid);
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.filter((g) => !atHo.has(g))).toEqual([]);
  }

  beforeAll(async () => {
    stack = await startStack({
      services: ['portal-sandbox', 'client-master', 'sync-orchestrator', 'connector-books', 'gateway'],
      env: {
        // An offline branch fails its job in seconds (two attempts, short back-off), not minutes.
        JOB_MAX_ATTEMPTS: '2',
        JOB_RETRY_BASE_MS: '500',
        JOB_RETRY_MAX_MS: '1000',
        RETRY_BASE_DELAY_MS: '50',
        BREAKER_RESET_TIMEOUT_MS: '2000',
        SCHEDULE_POLL_MS: '500',
        DISPATCH_POLL_MS: '100',
      },
    });
    books = new SandboxBooks(stack.sandboxUrl);
    const firm = await stack.createFirmWithAdmin('Kothari Branch Associates');
    admin = firm.adminApiKey;
    operator = await newKey(firm.firmId, 'operator');
    viewer = await newKey(firm.firmId, 'viewer');
    world = new BooksWorld(stack.gatewayUrl, admin, books);
    const hoId = await company(ho, companyNames[0], 'head_office', 40);
    puneLink = await activeLink(await company(pune, companyNames[1], 'branch', 0), hoId);
    nashikLink = await activeLink(await company(nashik, companyNames[2], 'branch', 0), hoId);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a viewer a branch sync (403, nothing started) and starts the operator’s', async () => {
    const body = { links: { ids: [puneLink.id] }, categories: BOTH };
    const refused = await as(viewer)<{ type: string; detail: string }>('POST', '/v1/sync-runs', body);
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe(`${TYPE}forbidden`);
    expect(refused.body.detail).toMatch(/role admin or operator; yours is viewer/);
    expect((await as(viewer)('POST', `/v1/branch-links/${puneLink.id}/restart`)).status).toBe(403);
    expect(
      (await as(viewer)('POST', '/v1/sync-schedules', { name: 'x', ...body, every: 'PT1M' })).status,
    ).toBe(403);
    expect((await as(operator)('POST', '/v1/branch-links', { clientCompanyId: puneLink.id })).status).toBe(
      403,
    );
    // Nothing was started: no run, and the link never synced.
    expect((await as(viewer)<{ items: Run[] }>('GET', '/v1/sync-runs')).body.items).toEqual([]);
    expect(await link(puneLink.id)).toMatchObject({ state: 'online', lastSyncAt: null });

    // The operator's run takes the HO's masters to both branches (what their staff need to enter vouchers).
    const both = { links: { ids: [puneLink.id, nashikLink.id] }, categories: BOTH };
    const started = await as(operator)<Run>('POST', '/v1/sync-runs', both);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ subjectKind: 'links', links: both.links });
    const run = await finished(started.body.id);
    expect(run.totals).toMatchObject({ jobs: 4, failed: 0 });
    for (const branch of [pune, nashik])
      for (let i = 0; i < 2; i++) await books.change(branch, { action: 'create', type: 'voucher' });
    const synced = await waitFor(
      async () => {
        const l = await link(puneLink.id);
        return l.state === 'online' && l.lastSyncAt ? l : undefined;
      },
      { timeoutMs: 30_000, description: 'the Pune link to read online with its last sync' },
    );
    expect(synced.error).toBeNull();
  });

  it('fires a link schedule every minute not before its notBefore, and the run syncs the branch', async () => {
    const notBefore = new Date(Date.now() + 3000);
    notBefore.setMilliseconds(0);
    const created = await as(operator)<Schedule>('POST', '/v1/sync-schedules', {
      name: 'Nashik every minute',
      links: { ids: [nashikLink.id] },
      categories: BOTH,
      every: 'PT1M',
      notBefore: notBefore.toISOString(),
    });
    expect(created.status).toBe(201);
    schedule = created.body;
    expect(schedule).toMatchObject({
      subjectKind: 'links',
      links: { ids: [nashikLink.id] },
      every: 'PT1M',
      nextRunAt: notBefore.toISOString(),
    });
    firstScheduledRun = await waitFor(
      async () =>
        (await as(viewer)<{ items: Run[] }>('GET', '/v1/sync-runs')).body.items.find(
          (r) => r.scheduleId === schedule.id,
        ),
      { timeoutMs: 30_000, intervalMs: 250, description: 'the schedule’s first run' },
    );
    expect(new Date(firstScheduledRun.createdAt).getTime()).toBeGreaterThanOrEqual(notBefore.getTime());
    expect(firstScheduledRun).toMatchObject({ subjectKind: 'links', links: { ids: [nashikLink.id] } });
    expect((await finished(firstScheduledRun.id)).totals).toMatchObject({ jobs: 2, failed: 0 });
    await expectConsolidated(nashik);
    // Staff enter a voucher at Nashik: the next tick, a minute after the first, takes it to the HO.
    lateVoucher = (await books.change(nashik, { action: 'create', type: 'voucher' })).guid;
    const s = (await as(viewer)<Schedule>('GET', `/v1/sync-schedules/${schedule.id}`)).body;
    expect(s.nextRunAt).toBe(new Date(notBefore.getTime() + 60_000).toISOString());
  });

  it('shows a link failed with the reason when its branch goes offline, and a restart once it is back brings it online', async () => {
    await books.offline(pune, true);
    const voucher = (await books.change(pune, { action: 'create', type: 'voucher' })).guid;
    const started = await as(operator)<Run>('POST', '/v1/sync-runs', {
      links: { ids: [puneLink.id] },
      categories: BOTH,
    });
    expect(started.status).toBe(202);
    const run = await finished(started.body.id);
    // The transactions job (Pune sends) fails; the masters job fails too unless the HO had nothing new for Pune.
    expect(run.totals.failed).toBeGreaterThanOrEqual(1);
    const failed = await waitFor(
      async () => {
        const l = await link(puneLink.id);
        return l.state === 'failed' ? l : undefined;
      },
      { timeoutMs: 30_000, description: 'the Pune link to read failed' },
    );
    expect(failed.error).toMatch(/a books server did not answer \(portal_unavailable\)/);
    expect(failed.error).toMatch(/(^|; )transactions: a books server did not answer/);

    // Back online: a restart (operators may) runs the link's classes again, and it reads online.
    await books.offline(pune, false);
    const restarted = await as(operator)<Run>('POST', `/v1/branch-links/${puneLink.id}/restart`);
    expect(restarted.status).toBe(201);
    expect(restarted.headers.get('location')).toBe(`/v1/sync-runs/${restarted.body.id}`);
    expect(restarted.body).toMatchObject({
      subjectKind: 'links',
      links: { ids: [puneLink.id] },
      categories: BOTH,
    });
    const again = await as(operator)<{ type: string }>('POST', `/v1/branch-links/${puneLink.id}/restart`);
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/link-syncing|link-not-failed/);
    expect((await finished(restarted.body.id)).totals).toMatchObject({ jobs: 2, failed: 0 });
    const online = await waitFor(
      async () => {
        const l = await link(puneLink.id);
        return l.state === 'online' ? l : undefined;
      },
      { timeoutMs: 30_000, description: 'the Pune link to read online again' },
    );
    expect(online.error).toBeNull();
    expect((await books.objects(ho)).some((o) => o.guid === voucher)).toBe(true);
    // Nothing failed now: a restart of an online link says so.
    const notFailed = await as(operator)<{ type: string; detail: string }>(
      'POST',
      `/v1/branch-links/${puneLink.id}/restart`,
    );
    expect(notFailed.status).toBe(409);
    expect(notFailed.body.type).toBe(`${TYPE}link-not-failed`);
  });

  it('fires the link schedule again a minute later, taking the branch’s new voucher to the HO', async () => {
    const second = await waitFor(
      async () => {
        const s = (await as(viewer)<Schedule>('GET', `/v1/sync-schedules/${schedule.id}`)).body;
        return s.lastRunId && s.lastRunId !== firstScheduledRun.id ? s : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, description: 'the schedule’s second run' },
    );
    expect(second.skipReason).toBeNull();
    const run = await finished(second.lastRunId as string);
    expect(run).toMatchObject({ scheduleId: schedule.id, totals: expect.objectContaining({ failed: 0 }) });
    expect(
      new Date(run.createdAt).getTime() - new Date(firstScheduledRun.createdAt).getTime(),
    ).toBeGreaterThan(50_000);
    expect((await books.objects(ho)).some((o) => o.guid === lateVoucher)).toBe(true);
    expect((await as(operator)('DELETE', `/v1/sync-schedules/${schedule.id}`)).status).toBe(204);
  });

  it('writes nothing from the books in any service log: no ledger, party or item name, narration or amount', async () => {
    const objects = [
      ...(await books.objects(ho)),
      ...(await books.objects(pune)),
      ...(await books.objects(nashik)),
    ];
    const names = new Set<string>(companyNames);
    const narrations = new Set<string>();
    const amounts = new Set<string>();
    for (const o of objects) {
      if (!isVoucher(o) && !o.reserved && typeof o.name === 'string' && o.name.length >= 5) names.add(o.name);
      if (typeof o.narration === 'string' && o.narration.length >= 8) narrations.add(o.narration);
      for (const e of (o.ledgerEntries as { amount: number }[] | undefined) ?? []) {
        // Amounts with paise, so that no port, pid or duration in a log line can look like one.
        if (!Number.isInteger(e.amount)) amounts.add(Math.abs(e.amount).toString());
      }
    }
    expect(names.size).toBeGreaterThan(10);
    expect(narrations.size).toBeGreaterThan(5);
    expect(amounts.size).toBeGreaterThan(5);
    const scan = (service: string, log: string): string[] => {
      const hits: string[] = [];
      for (const text of [...names, ...narrations])
        if (log.includes(text)) hits.push(`${service}: "${text}"`);
      for (const amount of amounts) {
        const [int, frac] = amount.split('.');
        if (new RegExp(`(?<![\\d.])${int}\\.${frac}0*(?!\\d)`).test(log)) hits.push(`${service}: ${amount}`);
      }
      return hits;
    };
    // The scan finds what it looks for (a line as a careless log would write it).
    const [narration] = narrations;
    const [amount] = amounts;
    expect(scan('self-check', `{"msg":"imported","narration":"${narration}","amount":-${amount}}`)).toEqual(
      expect.arrayContaining([`self-check: "${narration}"`, `self-check: ${amount}`]),
    );
    const found: string[] = [];
    for (const service of SERVICES) {
      const log = readFileSync(stack.logFile(service), 'utf8');
      // The scan must see the services' lines: each logged something during this story.
      expect(log.split('\n').length).toBeGreaterThan(3);
      found.push(...scan(service, log));
    }
    expect(found).toEqual([]);
  });
});
