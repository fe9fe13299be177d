import type { StackHandle } from '@practice-sync/testing';
import { SandboxBooks, startStack, waitFor } from '@practice-sync/testing';
import { Client } from 'pg';

import type { LinkJob } from './books-world';
import { bookKey, BooksWorld, content, isVoucher } from './books-world';
import type { Answer, CallOptions } from './gateway-http';
import { call } from './gateway-http';

/**
 * On-demand branch sync on the real stack through the public API: a branch sends its vouchers to an HO whose
 * books server is offline. practice-sync holds them (sealed in connector-books' PostgreSQL), the link reads
 * `offline` with how many and since when, and once the HO is back (3 sandbox days later) everything held goes
 * in, in order; held for 8 sandbox days, the changes expire: reported, never applied, the link `failed`.
 */
interface Link {
  id: string;
  state: string;
  error: string | null;
  held: { count: number; oldestAt: string | null };
  rules: { id: string }[];
}

const NARRATION = 'Cheque 448812 from Kothari Agencies against bill PN-77';

describe('branch sync, on-demand: held while the HO is offline, applied in order, expired after the hold', () => {
  let stack: StackHandle;
  let books: SandboxBooks;
  let admin: string;
  let db: Client;
  let link: Link;
  const api = (method: string, path: string, body?: unknown): Promise<Answer> =>
    call(stack.gatewayUrl, method, path, { key: admin, body } as CallOptions);
  let world: BooksWorld;
  const ho = bookKey('ho');
  const branch = bookKey('pune');

  /** One run of the link's categories to its end; the link's jobs by category. */
  const runToEnd = (categories: string[]): Promise<Map<string, LinkJob>> =>
    world.runLink(link.id, categories);

  /** The link once client-master has applied the run's results (its state is not `syncing`). */
  async function linkSettled(expect: (l: Link) => boolean, what: string): Promise<Link> {
    return waitFor(
      async () => {
        const l = (await api('GET', `/v1/branch-links/${link.id}`)).body as unknown as Link;
        return l.state !== 'syncing' && expect(l) ? l : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: what },
    );
  }

  const sandboxNow = async (): Promise<string> =>
    ((await (await fetch(`${stack.sandboxUrl}/_sandbox/clock`)).json()) as { now: string }).now;
  const advance = async (days: number): Promise<void> => {
    const res = await fetch(`${stack.sandboxUrl}/_sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ days }),
    });
    expect(res.status).toBeLessThan(300);
  };
  const heldRows = async () =>
    (
      await db.query<Record<string, unknown>>(
        'SELECT * FROM connector_books.books_held_changes WHERE link_id = $1 ORDER BY id',
        [link.id],
      )
    ).rows;
  const hoVouchers = async () =>
    new Map((await books.objects(ho)).filter(isVoucher).map((v) => [v.guid, content(v)]));

  beforeAll(async () => {
    stack = await startStack({
      services: ['portal-sandbox', 'client-master', 'sync-orchestrator', 'connector-books', 'gateway'],
    });
    books = new SandboxBooks(stack.sandboxUrl);
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    admin = (await stack.createFirmWithAdmin('Kothari Branch Books')).adminApiKey;
    world = new BooksWorld(stack.gatewayUrl, admin, books);
    const hoId = await world.company(ho, 'Kothari Textiles HO', 'head_office', 6);
    const branchId = await world.company(branch, 'Kothari Textiles Pune', 'branch', 0);
    link = await world.link<Link>(branchId, hoId, { mode: 'on_demand' });
    // Both ends online: the branch takes the HO's masters.
    const first = await runToEnd(['books.masters', 'books.transactions']);
    expect(first.get('books.masters')?.outcome).toBe('succeeded');
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  it('a branch offline for 3 sandbox days receives in order everything held once it is back', async () => {
    await books.offline(ho, true);
    const heldSince = await sandboxNow();
    const first = await books.change(branch, {
      action: 'create',
      type: 'voucher',
      body: {
        voucherType: 'Receipt',
        date: '20260112',
        narration: NARRATION,
        ledgerEntries: [
          { ledger: 'Cash', amount: -4200 },
          { ledger: 'Sales - Local', amount: 4200 },
        ],
      },
    });
    const second = await books.change(branch, { action: 'create', type: 'voucher' });

    const held = (await runToEnd(['books.transactions'])).get('books.transactions') as LinkJob;
    expect(held).toMatchObject({
      outcome: 'partial',
      counts: expect.objectContaining({ held: 2, created: 0 }),
    });
    // The run log does not read as if they moved.
    expect(held.errorMessage).toContain('2 change(s) NOT applied yet');
    expect(held.errorMessage).not.toContain('Kothari');
    const offline = await linkSettled((l) => l.held.count === 2, 'the link to show 2 held changes');
    expect(offline).toMatchObject({ state: 'offline', error: null, held: { count: 2, oldestAt: heldSince } });

    // A day later the branch corrects the first voucher: held behind the others, the oldest unchanged.
    await advance(1);
    await books.change(branch, { action: 'alter', type: 'voucher', guid: first.guid });
    const more = (await runToEnd(['books.transactions'])).get('books.transactions') as LinkJob;
    expect(more.counts.held).toBe(1);
    const three = await linkSettled((l) => l.held.count === 3, 'the link to show 3 held changes');
    expect(three).toMatchObject({ state: 'offline', held: { count: 3, oldestAt: heldSince } });

    // At rest the held rows are sealed: no narration, no name in any column, each with its key id.
    const rows = await heldRows();
    expect(rows.filter((r) => r.brought === false)).toHaveLength(3);
    expect(JSON.stringify(rows)).not.toContain('Cheque 448812');
    expect(JSON.stringify(rows)).not.toContain('Kothari');
    for (const r of rows) expect(String(r.sealed)).toMatch(new RegExp(`^v1\\.${String(r.key_id)}\\.`));
    const before = await hoVouchers();
    expect(before.has(first.guid) || before.has(second.guid)).toBe(false);

    // Three sandbox days after the first was held, the HO is back: the next run applies them, in order.
    await advance(2);
    await books.offline(ho, false);
    const back = (await runToEnd(['books.transactions'])).get('books.transactions') as LinkJob;
    expect(back.outcome).toBe('succeeded');
    const online = await linkSettled((l) => l.held.count === 0, 'the link to show nothing held');
    expect(online).toMatchObject({ state: 'online', held: { count: 0, oldestAt: null } });
    const after = await hoVouchers();
    const theirs = (await books.objects(branch)).filter(isVoucher);
    expect(theirs).toHaveLength(2);
    // Object for object equal: the HO holds the corrected version (the alteration went in after the create).
    for (const v of theirs) expect(after.get(v.guid)).toEqual(content(v));
    expect(await heldRows()).toHaveLength(0);
  });

  it('offline for 8 sandbox days: the expired changes are reported, nothing stale is applied, the link says a new sync is needed', async () => {
    await books.offline(ho, true);
    const stale = await books.change(branch, { action: 'create', type: 'voucher' });
    const held = (await runToEnd(['books.transactions'])).get('books.transactions') as LinkJob;
    expect(held.counts.held).toBe(1);
    await linkSettled((l) => l.state === 'offline' && l.held.count === 1, 'the link offline with 1 held');

    await advance(8);
    await books.offline(ho, false);
    const expired = (await runToEnd(['books.transactions'])).get('books.transactions') as LinkJob;
    expect(expired.outcome).toBe('failed');
    expect(expired.errorMessage).toContain('1 held change(s) expired after 7 days');
    expect(expired.errorMessage).toContain('new sync (snapshot)');
    expect((await hoVouchers()).has(stale.guid)).toBe(false);
    const failed = await linkSettled((l) => l.state === 'failed', 'the link to read failed');
    expect(failed.held).toEqual({ count: 0, oldestAt: null });
    expect(failed.error).toContain('hold_expired');
    expect(failed.error).toContain('a new sync (snapshot) is needed');
    expect(await heldRows()).toHaveLength(0);
  });
});
