import type { SandboxBooksObject, StackHandle } from '@practice-sync/testing';
import { SandboxBooks, startStack, waitFor } from '@practice-sync/testing';

import type { RuleSpec } from './books-world';
import { bookKey, BooksWorld, content, isVoucher } from './books-world';
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

const byGuid = (objects: SandboxBooksObject[]) => new Map(objects.map((o) => [o.guid, content(o)]));
const mastersOf = (objects: SandboxBooksObject[]) => objects.filter((o) => !isVoucher(o) && !o.reserved);
const vouchersOf = (objects: SandboxBooksObject[]) => objects.filter(isVoucher);
const BOTH = ['books.masters', 'books.transactions'];

describe('branch sync runs: an HO and its branches through the public API', () => {
  let stack: StackHandle;
  let books: SandboxBooks;
  let admin: string;
  const api = (method: string, path: string, body?: unknown): Promise<Answer> =>
    call(stack.gatewayUrl, method, path, { key: admin, body } as CallOptions);
  let world: BooksWorld;
  const key = bookKey;
  const ho = key('ho');
  const branches = [key('pune'), key('nashik'), key('nagpur')];
  const refused = key('thane');
  const links = new Map<string, Link>();
  /** The ledger the HO renames below: its new name and the HO's ALTERID of the rename. */
  let renamed = { name: '', alterId: 0 };
  const namesLedger = (v: SandboxBooksObject, ledger: string): boolean =>
    v.partyLedger === ledger || (v.ledgerEntries as { ledger: string }[]).some((e) => e.ledger === ledger);
  /**
   * A voucher of `branch` entered before the HO renamed the ledger it names, as the HO holds it: the rename
   * changed how the HO's copy reads, not its ALTERID (below the rename's), and nobody edited it at the HO.
   */
  async function voucherNamingRenamed(branch: string): Promise<SandboxBooksObject> {
    const ours = vouchersOf(await books.objects(branch)).find((v) => namesLedger(v, renamed.name));
    expect(ours).toBeDefined();
    const atHo = (await books.objects(ho, 'voucher')).find((o) => o.guid === ours?.guid);
    expect(atHo).toBeDefined();
    expect(atHo?.alterId).toBeLessThan(renamed.alterId);
    expect(content(atHo)).toEqual(content(ours));
    return ours as SandboxBooksObject;
  }

  const company = (bookKey: string, name: string, role: 'head_office' | 'branch', vouchers: number) =>
    world.company(bookKey, name, role, vouchers);

  /** The branch is the link's client side: it proposes rules, the HO (server side) accepts or refuses them. */
  const link = (branchId: string, hoId: string, transactions: 'activate' | 'reject'): Promise<Link> =>
    world.link<Link>(branchId, hoId, { reject: transactions === 'reject' ? ['transactions'] : [] });

  /** A link whose rules the branch proposes and the HO activates, all of them. */
  const activeLink = (branchId: string, hoId: string, rules: RuleSpec[]): Promise<Link> =>
    world.link<Link>(branchId, hoId, { rules });

  async function runToEnd(
    selection: { all: true } | { ids: string[] } = { all: true },
    categories: string[] = BOTH,
    onStarted: (runId: string) => Promise<void> = async () => undefined,
  ): Promise<{ run: Run; summary: Map<string, LinkSummary>; events: string }> {
    const started = await api('POST', '/v1/sync-runs', { links: selection, categories });
    expect(started.status).toBe(202);
    const queued = started.body as unknown as Run;
    expect(queued).toMatchObject({ subjectKind: 'links', links: selection });
    await onStarted(queued.id);
    // The SSE stream through the gateway ends with the terminal event.
    const events = (
      await call<string>(stack.gatewayUrl, 'GET', `/v1/sync-runs/${queued.id}/events`, { key: admin })
    ).body;
    const run = await waitFor(
      async () => {
        const r = (await api('GET', `/v1/sync-runs/${queued.id}`)).body as unknown as Run;
        return r.finishedAt ? r : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 250, description: `branch sync run ${queued.id} to finish` },
    );
    const page = await api('GET', `/v1/sync-runs/${queued.id}/summary?limit=50`);
    expect(page.status).toBe(200);
    const items = (page.body as unknown as { items: LinkSummary[] }).items;
    return { run, summary: new Map(items.map((i) => [i.linkId, i])), events };
  }

  /** The job of one link and class in a run's summary. */
  const jobOf = (summary: Map<string, LinkSummary>, bookKey: string, category: string): Job =>
    (summary.get((links.get(bookKey) as Link).id) as LinkSummary).jobs.find(
      (j) => j.category === category,
    ) as Job;

  /** Every voucher the branch holds is at the HO, identical. */
  async function expectVouchersConsolidated(branch: string): Promise<void> {
    const hoVouchers = byGuid(vouchersOf(await books.objects(ho)));
    for (const v of vouchersOf(await books.objects(branch)))
      expect(hoVouchers.get(v.guid)).toEqual(content(v));
  }

  async function expectMastersEverywhere(): Promise<void> {
    const hoMasters = byGuid(mastersOf(await books.objects(ho)));
    expect(hoMasters.size).toBeGreaterThan(20);
    for (const b of [...branches, refused])
      expect(byGuid(mastersOf(await books.objects(b)))).toEqual(hoMasters);
  }

  let hoId: string;

  beforeAll(async () => {
    stack = await startStack({
      services: ['portal-sandbox', 'client-master', 'sync-orchestrator', 'connector-books', 'gateway'],
      // A job of a killed connector-books is claimed again after its lease: seconds, not the default minute.
      env: { JOB_LEASE_MS: '8000' },
    });
    books = new SandboxBooks(stack.sandboxUrl);
    admin = (await stack.createFirmWithAdmin('Branch Books Associates')).adminApiKey;
    world = new BooksWorld(stack.gatewayUrl, admin, books);
    hoId = await company(ho, 'Sharma Steel HO', 'head_office', 8);
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
      `rule ${rejectedRule.id} rejected: The HO does not take this branch’s transactions`,
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
  it('a voucher whose ledger exists only at the branch brings the ledger and its group chain along', async () => {
    const [pune] = branches;
    // Staff at the branch open a group under a default group, a sub-group, a party under it, and bill it.
    const made = [
      await books.change(pune, {
        action: 'create',
        type: 'group',
        body: { name: 'Pune Dealers', parent: 'Sundry Debtors' },
      }),
      await books.change(pune, {
        action: 'create',
        type: 'group',
        body: { name: 'Pune Dealers - Retail', parent: 'Pune Dealers' },
      }),
      await books.change(pune, {
        action: 'create',
        type: 'ledger',
        body: { name: 'Kothrud Hardware Stores', parent: 'Pune Dealers - Retail', currency: '₹' },
      }),
      await books.change(pune, {
        action: 'create',
        type: 'voucher',
        body: {
          voucherType: 'Receipt',
          date: '20260105',
          voucherNumber: 'PN-R-1',
          narration: 'Advance received',
          partyLedger: 'Kothrud Hardware Stores',
          ledgerEntries: [
            { ledger: 'Cash', amount: -1500 },
            { ledger: 'Kothrud Hardware Stores', amount: 1500 },
          ],
          inventoryEntries: [],
        },
      }),
    ];
    const hoBefore = new Set((await books.objects(ho)).map((o) => o.guid));
    for (const o of made) expect(hoBefore.has(o.guid)).toBe(false);

    const { run, summary } = await runToEnd();
    expect(run.totals).toMatchObject({ failed: 0, partial: 0 });
    // The voucher's job carried the party and both groups first (the HO lacked them), then the voucher.
    expect(jobOf(summary, pune, 'books.transactions')).toMatchObject({
      outcome: 'succeeded',
      counts: expect.objectContaining({ created: 4, errors: 0 }),
    });
    const theirs = byGuid(await books.objects(pune));
    const hoAll = await books.objects(ho);
    const hoObjects = byGuid(hoAll);
    for (const o of made) {
      expect(hoObjects.get(o.guid)).toEqual(theirs.get(o.guid));
      // One object per GUID and per name: nothing arrived twice.
      expect(hoAll.filter((h) => h.guid === o.guid)).toHaveLength(1);
    }
    expect(hoAll.filter((h) => h.type === 'GROUP' && h.name === 'Pune Dealers')).toHaveLength(1);
    expect(hoObjects.get(made[2].guid)).toMatchObject({
      name: 'Kothrud Hardware Stores',
      parent: 'Pune Dealers - Retail',
    });
    expect(hoObjects.get(made[1].guid)).toMatchObject({ parent: 'Pune Dealers' });
    expect(hoObjects.get(made[0].guid)).toMatchObject({ parent: 'Sundry Debtors' });
  });

  it('a renamed master stays one object: every branch has the same GUID under the new name', async () => {
    const hoLedgers = (await books.objects(ho, 'ledger')).filter((o) => !o.reserved);
    // A ledger that vouchers of Nashik and Nagpur both name (altered and deleted there below), a party first.
    const [nashikVouchers, nagpurVouchers] = [
      vouchersOf(await books.objects(branches[1])),
      vouchersOf(await books.objects(branches[2])),
    ];
    const namedByBoth = hoLedgers.filter(
      (l) =>
        nashikVouchers.some((v) => namesLedger(v, l.name as string)) &&
        nagpurVouchers.some((v) => namesLedger(v, l.name as string)),
    );
    const target =
      namedByBoth.find((l) => l.parent === 'Local Debtors') ??
      namedByBoth[0] ??
      hoLedgers.find((l) => l.parent === 'Local Debtors') ??
      hoLedgers[0];
    const after = await books.change(ho, { action: 'rename', type: 'ledger', guid: target.guid });
    expect(after.name).not.toBe(target.name);
    renamed = { name: after.name as string, alterId: after.alterId as number };

    const { run, summary } = await runToEnd();
    expect(run.totals).toMatchObject({ failed: 0, partial: 0 });
    const hoCount = (await books.objects(ho, 'ledger')).length;
    for (const b of [...branches, refused]) {
      const theirs = await books.objects(b, 'ledger');
      expect(theirs.filter((l) => l.guid === target.guid)).toEqual([
        expect.objectContaining({ name: after.name }),
      ]);
      expect(theirs.filter((l) => l.name === target.name)).toEqual([]);
      expect(theirs).toHaveLength(hoCount);
      expect(jobOf(summary, b, 'books.masters')).toMatchObject({
        outcome: 'succeeded',
        counts: expect.objectContaining({ altered: 1, errors: 0 }),
      });
    }
    await expectMastersEverywhere();
    // The branches' vouchers at the HO still equal theirs (they name the renamed ledger by its new name).
    for (const b of branches) await expectVouchersConsolidated(b);
  });

  it('a deleted voucher is gone at the HO, one entered before the HO renamed a ledger it names (not queued)', async () => {
    const nagpur = branches[2];
    const gone = await voucherNamingRenamed(nagpur);
    await books.change(nagpur, { action: 'delete', type: 'voucher', guid: gone.guid });

    const { summary } = await runToEnd();
    // Applied, not queued: the rename changed how the HO's copy reads, nobody edited it there.
    expect(jobOf(summary, nagpur, 'books.transactions')).toMatchObject({
      outcome: 'succeeded',
      counts: expect.objectContaining({ created: 0, altered: 0, deleted: 1, conflicts: 0, errors: 0 }),
    });
    expect((await books.objects(ho)).some((o) => o.guid === gone.guid)).toBe(false);
    await expectVouchersConsolidated(nagpur);
  });

  it('an altered voucher arrives altered, one entered before the HO renamed a ledger it names (not queued)', async () => {
    const nashik = branches[1];
    const voucher = await voucherNamingRenamed(nashik);
    const altered = await books.change(nashik, { action: 'alter', type: 'voucher', guid: voucher.guid });
    expect(content(altered as SandboxBooksObject)).not.toEqual(content(voucher));

    const { summary } = await runToEnd();
    expect(jobOf(summary, nashik, 'books.transactions')).toMatchObject({
      outcome: 'succeeded',
      counts: expect.objectContaining({ created: 0, altered: 1, deleted: 0, conflicts: 0, errors: 0 }),
    });
    const atHo = (await books.objects(ho, 'voucher')).find(
      (o) => o.guid === voucher.guid,
    ) as SandboxBooksObject;
    const now = (await books.objects(nashik, 'voucher')).find(
      (o) => o.guid === voucher.guid,
    ) as SandboxBooksObject;
    expect(content(atHo)).toEqual(content(now));
    expect(content(atHo)).not.toEqual(content(voucher));
  });

  it('a send-only link never receives: the HO masters stay away, the branch’s masters and vouchers reach the HO', async () => {
    const satara = key('satara');
    const sataraId = await company(satara, 'Sharma Steel Satara', 'branch', 0);
    links.set(
      satara,
      await activeLink(sataraId, hoId, [
        { class: 'masters', direction: 'send' },
        { class: 'transactions', direction: 'send' },
      ]),
    );
    const made = [
      await books.change(satara, {
        action: 'create',
        type: 'vouchertype',
        body: { name: 'Satara Counter Sale', parent: 'Journal', numbering: 'Manual' },
      }),
      await books.change(satara, {
        action: 'create',
        type: 'ledger',
        body: { name: 'Satara Cash', parent: 'Cash-in-Hand' },
      }),
      await books.change(satara, {
        action: 'create',
        type: 'ledger',
        body: { name: 'Satara Counter Sales', parent: 'Sales Accounts' },
      }),
    ];
    const voucher = await books.change(satara, {
      action: 'create',
      type: 'voucher',
      body: {
        voucherType: 'Satara Counter Sale',
        date: '20260110',
        voucherNumber: 'ST-1',
        narration: 'Counter sales',
        ledgerEntries: [
          { ledger: 'Satara Cash', amount: -800 },
          { ledger: 'Satara Counter Sales', amount: 800 },
        ],
        inventoryEntries: [],
      },
    });
    const hoMasterGuids = mastersOf(await books.objects(ho)).map((o) => o.guid);
    expect(hoMasterGuids.length).toBeGreaterThan(20);

    const sataraLink = (links.get(satara) as Link).id;
    const { run, summary } = await runToEnd({ ids: [sataraLink] });
    expect(run.totals).toMatchObject({ jobs: 2, failed: 0, partial: 0, skipped: 0 });
    // The branch holds only what it made itself: none of the HO's masters arrived.
    const own = await books.objects(satara);
    expect(
      mastersOf(own)
        .map((o) => o.guid)
        .sort(),
    ).toEqual(made.map((o) => o.guid).sort());
    // Its masters and its voucher are at the HO, identical.
    const hoObjects = byGuid(await books.objects(ho));
    for (const o of [...made, voucher])
      expect(hoObjects.get(o.guid)).toEqual(
        content(own.find((x) => x.guid === o.guid) as SandboxBooksObject),
      );
    const masters = jobOf(summary, satara, 'books.masters');
    // Its three masters, created by this job or already brought along by the voucher's job (then unchanged). The
    // two jobs run side by side, so either may come first: the masters job succeeded if it created any, and changed
    // nothing if the voucher's job had brought all three.
    const created = masters.counts.created ?? 0;
    expect(created + (masters.counts.unchanged ?? 0)).toBe(3);
    expect(masters.outcome).toBe(created > 0 ? 'succeeded' : 'no_change');
    expect(jobOf(summary, satara, 'books.transactions')).toMatchObject({
      outcome: 'succeeded',
      counts: expect.objectContaining({ errors: 0 }),
    });
  });

  it('killing connector-books mid-run: the run completes and the HO holds every voucher once, as a clean run leaves it', async () => {
    const vouchers = 3000;
    const kolhapur = key('kolhapur');
    const kolhapurId = await company(kolhapur, 'Sharma Steel Kolhapur', 'branch', vouchers);
    links.set(
      kolhapur,
      await activeLink(kolhapurId, hoId, [
        { class: 'masters', direction: 'receive' },
        { class: 'transactions', direction: 'send' },
      ]),
    );
    const hoBefore = await books.objects(ho);
    const hoVouchersBefore = (await books.describe(ho)).counts.VOUCHER;
    let atKill = -1;
    const linkId = (links.get(kolhapur) as Link).id;
    const { run, summary } = await runToEnd({ ids: [linkId] }, ['books.transactions'], async () => {
      // Once the job has imported something into the HO, and before it is through: the connector dies.
      atKill = await waitFor(
        async () => {
          const n = (await books.describe(ho)).counts.VOUCHER - hoVouchersBefore;
          return n > 0 ? n : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 20, description: 'the transactions job to import a first batch' },
      );
      await stack.kill('connector-books');
      // Its job is claimed again once the lease runs out; readiness waits for the consumer group, which waits
      // for the killed member's session to time out: not needed for the leased job, so not waited for.
      await stack.restart('connector-books', { waitReady: false });
    });
    // Killed mid-job: some, not all, vouchers were in when it died.
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(vouchers);
    expect(run.status).toBe('completed');
    const job = jobOf(summary, kolhapur, 'books.transactions');
    expect(job.outcome).toBe('succeeded');

    const hoAfter = await books.objects(ho);
    const added = hoAfter.length - hoBefore.length;
    // Every voucher once: as many at the HO as GUIDs, and each equal to the branch's.
    const hoVouchers = vouchersOf(hoAfter);
    expect(new Set(hoVouchers.map((v) => v.guid)).size).toBe(hoVouchers.length);
    expect(hoVouchers).toHaveLength(hoVouchersBefore + vouchers);
    await expectVouchersConsolidated(kolhapur);
    // The attempt that finished re-sent every voucher from the last watermark, those the killed one had imported
    // included (Tally counts them unchanged); the masters the killed one brought along were at the HO by then,
    // so only those still missing travelled again.
    expect(job.counts.errors).toBe(0);
    expect(job.counts.created + job.counts.unchanged).toBeGreaterThanOrEqual(vouchers);
    expect(job.counts.created + job.counts.unchanged).toBeLessThanOrEqual(added);
    expect(job.counts.unchanged).toBeGreaterThan(0);
    expect(job.counts.created).toBeLessThan(added);
  });
});
