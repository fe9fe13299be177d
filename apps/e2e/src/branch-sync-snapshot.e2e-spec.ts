import type { SandboxBooksObject, StackHandle } from '@practice-sync/testing';
import { SandboxBooks, startStack, waitFor } from '@practice-sync/testing';

import type { LinkJob as Job } from './books-world';
import { bookKey, BooksWorld, content } from './books-world';
import type { Answer, CallOptions } from './gateway-http';
import { call } from './gateway-http';

/**
 * Snapshots on the real stack (gateway, client-master, sync-orchestrator, connector-books and the sandbox's
 * books servers) through the public API: a head office of 50,000 vouchers bootstraps a new branch by
 * `POST /v1/branch-links/{id}/snapshot`, connector-books is SIGKILLed halfway and the snapshot resumes from its
 * last acknowledged chunk; a branch whose books are not empty is refused; incremental sync then moves only
 * what changed. The books are compared object for object (GUID and content) through the sandbox.
 */
interface Run {
  id: string;
  status: string;
  categories: string[];
  finishedAt: string | null;
}
interface Link {
  id: string;
  rules: { id: string }[];
}

jest.setTimeout(2_400_000);

const VOUCHERS = 50_000;
const CHUNK = 500;
/** A company's own books (not Tally's predefined groups) by GUID, without the ids local to each company. */
const ownBooks = (objects: SandboxBooksObject[]) =>
  new Map(objects.filter((o) => !o.reserved).map((o) => [o.guid, content(o)]));

/**
 * A sandbox read, tried again once when the connection it reused was closed meanwhile (listing 50,000 objects
 * and comparing them takes longer than the server's keep-alive).
 */
async function retried<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof TypeError) || attempt >= 4) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/** `connector_books_snapshot_chunks_total{event}` of the running connector-books process. */
async function chunkCounter(metricsUrl: string, event: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('connector_books_snapshot_chunks_total{') && l.includes(`event="${event}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('branch sync snapshots: a new branch bootstrapped from the HO', () => {
  let stack: StackHandle;
  let books: SandboxBooks;
  let admin: string;
  const api = (method: string, path: string, body?: unknown): Promise<Answer> =>
    call(stack.gatewayUrl, method, path, { key: admin, body } as CallOptions);
  let world: BooksWorld;
  const [ho, pune, busy] = [bookKey('snap-ho'), bookKey('snap-pune'), bookKey('snap-busy')];
  let hoId = '';
  let puneLink: Link;
  /** A voucher of the HO (and, after the snapshot, of the branch). */
  /** A voucher staff entered at the HO before the snapshot (the rest are seeded). */
  let someVoucher = '';

  const company = (key: string, name: string, role: 'head_office' | 'branch', vouchers: number) =>
    world.company(key, name, role, vouchers);
  /** The branch (client side) proposes; the HO (server side) activates every rule. */
  const activeLink = (branchId: string): Promise<Link> =>
    world.link<Link>(branchId, hoId, {
      rules: [
        { class: 'masters', direction: 'receive' },
        { class: 'transactions', direction: 'both' },
      ],
    });
  async function finished(runId: string): Promise<{ run: Run; jobs: Job[] }> {
    const run = await waitFor(
      async () => {
        const r = (await api('GET', `/v1/sync-runs/${runId}`)).body as unknown as Run;
        return r.finishedAt ? r : undefined;
      },
      { timeoutMs: 1_500_000, intervalMs: 500, description: `run ${runId} to finish` },
    );
    const jobs = (await api('GET', `/v1/sync-runs/${runId}/jobs?limit=50`)).body as unknown as {
      items: Job[];
    };
    return { run, jobs: jobs.items };
  }

  async function snapshot(link: Link, body: unknown = {}): Promise<Run> {
    const res = await api('POST', `/v1/branch-links/${link.id}/snapshot`, body);
    expect(res.status).toBe(201);
    const run = res.body as unknown as Run;
    expect(res.headers.get('location')).toBe(`/v1/sync-runs/${run.id}`);
    expect(run.categories).toEqual(['books.snapshot']);
    return run;
  }

  beforeAll(async () => {
    stack = await startStack({
      services: ['portal-sandbox', 'client-master', 'sync-orchestrator', 'connector-books', 'gateway'],
      env: {
        // A killed connector-books' job is claimed again after its lease: seconds, not the default minute.
        JOB_LEASE_MS: '8000',
        // A 50,000-voucher snapshot is one job: room for it on a busy 2-core machine.
        FETCH_TIMEOUT_MS: '1500000',
        JOB_RESULT_DEADLINE_MS: '1500000',
        BOOKS_SNAPSHOT_CHUNK_SIZE: String(CHUNK),
      },
    });
    books = new SandboxBooks(stack.sandboxUrl);
    admin = (await stack.createFirmWithAdmin('Snapshot Books Associates')).adminApiKey;
    world = new BooksWorld(stack.gatewayUrl, admin, books);
    hoId = await company(ho, 'Sharma Steel HO', 'head_office', VOUCHERS - 1);
    someVoucher = (await books.change(ho, { action: 'create', type: 'voucher' })).guid;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a snapshot into a branch whose books are not empty without replace, and nothing moves', async () => {
    const link = await activeLink(await company(busy, 'Sharma Steel Busy Branch', 'branch', 3));
    const before = await books.objects(busy);
    const { run, jobs } = await finished((await snapshot(link)).id);
    expect(run.status).toBe('completed');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      category: 'books.snapshot',
      outcome: 'failed',
      errorCode: 'books_not_empty',
    });
    expect(jobs[0].errorMessage).toMatch(/^replace: the books of the client company .* are not empty/);
    expect(jobs[0].errorMessage).toContain('{ "replace": true }');
    expect(await books.objects(busy)).toEqual(before);
  });

  it('bootstraps a new branch from 50,000 vouchers; killed halfway, it resumes without re-sending acknowledged chunks and ends equal', async () => {
    puneLink = await activeLink(await company(pune, 'Sharma Steel Pune', 'branch', 0));
    const run = await snapshot(puneLink);
    // Halfway through the vouchers at the branch: SIGKILL connector-books.
    const atKill = await waitFor(
      async () => {
        const n = (await books.describe(pune)).counts.VOUCHER ?? 0;
        return n >= VOUCHERS / 2 ? n : undefined;
      },
      { timeoutMs: 1_200_000, intervalMs: 50, description: 'half the vouchers at the branch' },
    );
    await stack.kill('connector-books');
    expect(atKill).toBeLessThan(VOUCHERS);
    await stack.restart('connector-books', { waitReady: false });
    const { run: done, jobs } = await finished(run.id);
    expect(done.status).toBe('completed');
    expect(jobs[0]).toMatchObject({ category: 'books.snapshot', outcome: 'succeeded', errorCode: null });
    expect(jobs[0].counts).toMatchObject({ deleted: 0, errors: 0 });

    // The restarted process sent only what was not acknowledged: at most the chunks of the vouchers missing at
    // the kill, plus the one in flight then (re-sent, and no more).
    const connectorUrl = stack.urls['connector-books'];
    const sent = await chunkCounter(connectorUrl, 'sent');
    const resent = await chunkCounter(connectorUrl, 'resent');
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(Math.ceil((VOUCHERS - atKill) / CHUNK) + 1);
    expect(resent).toBeLessThanOrEqual(1);
    expect(await chunkCounter(connectorUrl, 'acknowledged')).toBe(sent);

    // Every HO voucher is at the branch (compared object for object after the incremental run below).
    expect((await retried(() => books.describe(pune))).counts.VOUCHER).toBe(VOUCHERS);
  });

  it('after the snapshot an incremental run moves only the new changes', async () => {
    const altered = await retried(() =>
      books.change(ho, { action: 'alter', type: 'voucher', guid: someVoucher }),
    );
    const created = await books.change(ho, { action: 'create', type: 'voucher' });
    const started = await api('POST', '/v1/sync-runs', {
      links: { ids: [puneLink.id] },
      categories: ['books.masters', 'books.transactions'],
    });
    expect(started.status).toBe(202);
    const { jobs } = await finished((started.body as unknown as Run).id);
    const transactions = jobs.find((j) => j.category === 'books.transactions') as Job;
    const masters = jobs.find((j) => j.category === 'books.masters') as Job;
    expect(transactions).toMatchObject({
      outcome: 'succeeded',
      counts: { created: 1, altered: 1, deleted: 0, errors: 0 },
    });
    // Nothing the snapshot imported is read again: no 50,000 unchanged objects.
    expect(transactions.counts.unchanged).toBeLessThan(10);
    expect(masters.counts).toMatchObject({ created: 0, altered: 0, deleted: 0, errors: 0 });
    expect(masters.counts.unchanged).toBeLessThan(10);
    // The branch equals the HO, object for object (GUID and content): the snapshot's masters and 50,000
    // vouchers, and both changes.
    const hoBooks = ownBooks(await retried(() => books.objects(ho)));
    const puneBooks = ownBooks(await retried(() => books.objects(pune)));
    expect(puneBooks.get(altered.guid)).toEqual(hoBooks.get(altered.guid));
    expect(puneBooks.get(created.guid)).toEqual(hoBooks.get(created.guid));
    expect(puneBooks.size).toBe(hoBooks.size);
    expect(puneBooks).toEqual(hoBooks);
  });
});
