import type { SandboxBooksObject, StackHandle } from '@practice-sync/testing';
import { SandboxBooks, startStack, uniqueName, waitFor } from '@practice-sync/testing';

import type { Answer, CallOptions } from './gateway-http';
import { call } from './gateway-http';

/**
 * Branch sync runs on the real stack (gateway, client-master, sync-orchestrator, connector-books and the
 * sandbox's books servers) through the public API, as a firm would: an HO and three branches share the HO's
 * masters (the HO sends) and consolidate the branches' vouchers at the HO (each branch sends); a fourth
 * branch's transactions rule is rejected by the HO, so its vouchers never move. The books are compared object
 * for object (by GUID and content) through the sandbox's control API.
 */
interface Run {
  id: string;
  status: string;
  subjectKind: string;
  links: unknown;
  totals: Record<string, number>;
  finishedAt: string | null;
}
interface Job {
  linkId: string;
  category: string;
  outcome: string | null;
  errorMessage: string | null;
  counts: Record<string, number>;
}
interface LinkSummary {
  linkId: string;
  counts: Record<string, number>;
  objects: Record<string, number>;
  jobs: Job[];
}
interface Rule {
  id: string;
  class: string;
  status: string;
}
interface Link {
  id: string;
  rules: Rule[];
}

const LOCAL_IDS = ['masterId', 'voucherId', 'alterId'];
/** An object as compared across companies: without the ids local to each company. */
const content = (o: SandboxBooksObject): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !LOCAL_IDS.includes(k)));
const byGuid = (objects: SandboxBooksObject[]) => new Map(objects.map((o) => [o.guid, content(o)]));
const isVoucher = (o: SandboxBooksObject): boolean => o.type.toUpperCase() === 'VOUCHER';
const mastersOf = (objects: SandboxBooksObject[]) => objects.filter((o) => !isVoucher(o) && !o.reserved);
const vouchersOf = (objects: SandboxBooksObject[]) => objects.filter(isVoucher);
const BOTH = ['books.masters', 'books.transactions'];

describe('branch sync runs: an HO and its branches through the public API', () => {
  let stack: StackHandle;
  let books: SandboxBooks;
  let admin: string;
  const api = (method: string, path: string, body?: unknown): Promise<Answer> =>
    call(stack.gatewayUrl, method, path, { key: admin, body } as CallOptions);
  const key = (name: string) =>
    uniqueName(name)
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 60);
  const ho = key('ho');
  const branches = [key('pune'), key('nashik'), key('nagpur')];
  const refused = key('thane');
  const links = new Map<string, Link>();

  async function company(bookKey: string, name: string, role: string, vouchers: number): Promise<string> {
    const { booksUrl } = await books.company(bookKey, name, vouchers);
    const res = await api('POST', '/v1/companies', { name, role, booksUrl });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  }

  /** The branch is the link's client side: it proposes rules, the HO (server side) accepts or refuses them. */
  async function link(branchId: string, hoId: string, transactions: 'activate' | 'reject'): Promise<Link> {
    const res = await api('POST', '/v1/branch-links', {
      clientCompanyId: branchId,
      serverCompanyId: hoId,
      mode: 'online',
      rules: [
        { class: 'masters', direction: 'receive' },
        { class: 'transactions', direction: 'send' },
      ],
    });
    expect(res.status).toBe(201);
    const created = res.body as unknown as Link;
    for (const rule of created.rules) {
      const verdict = rule.class === 'transactions' ? transactions : 'activate';
      const body =
        verdict === 'reject' ? { reason: 'The HO does not take this branch’s vouchers' } : undefined;
      const decided = await api('POST', `/v1/branch-links/${created.id}/rules/${rule.id}/${verdict}`, body);
      expect(decided.status).toBe(200);
    }
    return created;
  }

  async function runToEnd(): Promise<{ run: Run; summary: Map<string, LinkSummary>; events: string }> {
    const started = await api('POST', '/v1/sync-runs', { links: { all: true }, categories: BOTH });
    expect(started.status).toBe(202);
    const queued = started.body as unknown as Run;
    expect(queued).toMatchObject({ subjectKind: 'links', links: { all: true } });
    // The SSE stream through the gateway ends with the terminal event.
    const events = (
      await call<string>(stack.gatewayUrl, 'GET', `/v1/sync-runs/${queued.id}/events`, { key: admin })
    ).body;
    const run = await waitFor(
      async () => {
        const r = (await api('GET', `/v1/sync-runs/${queued.id}`)).body as unknown as Run;
        return r.finishedAt ? r : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: `branch sync run ${queued.id} to finish` },
    );
    const page = await api('GET', `/v1/sync-runs/${queued.id}/summary?limit=50`);
    expect(page.status).toBe(200);
    const items = (page.body as unknown as { items: LinkSummary[] }).items;
    return { run, summary: new Map(items.map((i) => [i.linkId, i])), events };
  }

  async function expectMastersEverywhere(): Promise<void> {
    const hoMasters = byGuid(mastersOf(await books.objects(ho)));
    expect(hoMasters.size).toBeGreaterThan(20);
    for (const b of [...branches, refused])
      expect(byGuid(mastersOf(await books.objects(b)))).toEqual(hoMasters);
  }

  beforeAll(async () => {
    stack = await startStack({
      services: ['portal-sandbox', 'client-master', 'sync-orchestrator', 'connector-books', 'gateway'],
    });
    books = new SandboxBooks(stack.sandboxUrl);
    admin = (await stack.createFirmWithAdmin('Branch Books Associates')).adminApiKey;
    const hoId = await company(ho, 'Sharma Steel HO', 'head_office', 8);
    for (const [i, b] of branches.entries()) {
      const id = await company(b, `Sharma Steel Branch ${i + 1}`, 'branch', 0);
      links.set(b, await link(id, hoId, 'activate'));
    }
    const refusedId = await company(refused, 'Sharma Steel Thane', 'branch', 0);
    links.set(refused, await link(refusedId, hoId, 'reject'));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('distributes the HO masters to every branch, object for object', async () => {
    const { run, summary, events } = await runToEnd();
    expect(run.status).toBe('completed');
    // 4 links × 2 classes; the refused link's transactions job is skipped (nothing to send yet anyway).
    expect(run.totals).toMatchObject({
      jobs: 8,
      skipped: 1,
      failed: 0,
      partial: 0,
      work: 7,
      workFinished: 7,
    });
    expect(events).toMatch(/event: completed\ndata: .*"status":"completed"/);
    await expectMastersEverywhere();
    const created = mastersOf(await books.objects(ho)).length;
    for (const b of [...branches, refused]) {
      const own = summary.get((links.get(b) as Link).id) as LinkSummary;
      const masters = own.jobs.find((j) => j.category === 'books.masters') as Job;
      expect(masters).toMatchObject({ outcome: 'succeeded', counts: expect.objectContaining({ created }) });
    }
  });

  it('consolidates the branches’ vouchers at the HO; a rejected rule moves nothing and says why; a second run is all unchanged', async () => {
    const staff = new Map<string, string[]>();
    for (const b of [...branches, refused]) {
      const made: string[] = [];
      for (let i = 0; i < 2; i++)
        made.push((await books.change(b, { action: 'create', type: 'voucher' })).guid);
      staff.set(b, made);
    }
    const hoVouchersBefore = vouchersOf(await books.objects(ho)).length;

    const { run, summary } = await runToEnd();
    expect(run.totals).toMatchObject({ jobs: 8, skipped: 1, failed: 0, partial: 0 });
    const hoAll = await books.objects(ho);
    const hoVouchers = byGuid(vouchersOf(hoAll));
    // Every voucher each branch holds is at the HO, identical; nothing else arrived.
    for (const b of branches) {
      const theirs = vouchersOf(await books.objects(b));
      expect(theirs.map((v) => v.guid).sort()).toEqual([...(staff.get(b) as string[])].sort());
      for (const v of theirs) expect(hoVouchers.get(v.guid)).toEqual(content(v));
      const own = summary.get((links.get(b) as Link).id) as LinkSummary;
      expect(own.jobs.find((j) => j.category === 'books.transactions')).toMatchObject({
        outcome: 'succeeded',
        counts: expect.objectContaining({ created: 2, errors: 0 }),
      });
    }
    expect(hoVouchers.size).toBe(hoVouchersBefore + 2 * branches.length);
    // The refused link: skipped, with the rule and the HO's reason, and none of its vouchers at the HO.
    const refusedLink = links.get(refused) as Link;
    const rejectedRule = refusedLink.rules.find((r) => r.class === 'transactions') as Rule;
    const skipped = (summary.get(refusedLink.id) as LinkSummary).jobs.find(
      (j) => j.category === 'books.transactions',
    ) as Job;
    expect(skipped).toMatchObject({ outcome: 'skipped' });
    expect(skipped.errorMessage).toContain(
      `rule ${rejectedRule.id} rejected: The HO does not take this branch’s vouchers`,
    );
    for (const guid of staff.get(refused) as string[]) expect(hoVouchers.has(guid)).toBe(false);
    await expectMastersEverywhere();

    // Nothing changed since: every job reports no change, and no object moves anywhere.
    const before = new Map<string, SandboxBooksObject[]>();
    for (const b of [ho, ...branches, refused]) before.set(b, await books.objects(b));
    const again = await runToEnd();
    expect(again.run.totals).toMatchObject({ jobs: 8, noChange: 7, skipped: 1, succeeded: 0, failed: 0 });
    for (const item of again.summary.values()) {
      expect(item.objects).toMatchObject({ created: 0, altered: 0, deleted: 0, errors: 0 });
    }
    for (const b of [ho, ...branches, refused]) expect(await books.objects(b)).toEqual(before.get(b));
  });
});
