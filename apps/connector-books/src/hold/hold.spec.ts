import type { HandledJob } from '@practice-sync/connector-kit';
import { PortalError } from '@practice-sync/connector-kit';
import type { BooksJobCompleted, BooksJobRequested, BooksRule } from '@practice-sync/contracts';
import type { EntityManager } from 'typeorm';

import type { ConflictsStore } from '../conflicts/conflicts-store';
import { BooksJobHandler } from '../sync/books-job.handler';
import type { BooksStore } from '../sync/books-store';
import { DirectionSync } from '../sync/direction-sync';
import type { BooksObject } from '../tally/books-objects';
import type { BooksServer, BooksServerClient } from '../tally/books-server.client';
import type { ImportResponse } from '../tally/import-response';
import type { AlterWindow, ImportObject } from '../tally/tally-xml';
import { BooksHold } from './books-hold';
import type { HeldChange, HeldRow } from './held-change';
import { heldToApply, splitExpired, superseded } from './held-change';
import type { HoldKey, HoldStore } from './hold-store';

const DAY = 86_400_000;
const branch: BooksServer = { companyId: '0193b000-0000-7000-8000-00000000000b', booksUrl: 'http://books/b' };
const ho: BooksServer = { companyId: '0193b000-0000-7000-8000-00000000000a', booksUrl: 'http://books/ho' };

const ledger = (name: string, alterId: number): BooksObject => ({
  tag: 'LEDGER',
  guid: `l-${name}`,
  alterId,
  name,
  reserved: false,
  node: { '@_NAME': name, PARENT: 'Sundry Debtors' },
});
const voucher = (alterId: number): BooksObject => ({
  tag: 'VOUCHER',
  guid: `v-${alterId}`,
  alterId,
  name: '',
  reserved: false,
  node: {
    VOUCHERTYPENAME: 'Sales',
    DATE: '20260110',
    NARRATION: 'secret narration',
    'ALLLEDGERENTRIES.LIST': [{ LEDGERNAME: 'Party' }, { LEDGERNAME: 'Cash' }],
  },
});

const row = (id: number, over: Partial<HeldRow> = {}): HeldRow => ({
  id: String(id),
  direction: 'send',
  heldAt: new Date(0),
  tag: 'VOUCHER',
  guid: `v-${id}`,
  alterId: id,
  action: 'Create',
  name: '',
  node: { GUID: `v-${id}` },
  brought: false,
  ...over,
});

/**
 * The branch (sender) has the ledgers Cash and Party and vouchers at ALTERIDs 11…14 using them; the HO
 * (receiver) starts empty and may be offline. Records every import in order.
 */
function fakeBooks(state: {
  hoOffline: boolean;
  branchOffline?: boolean;
  refuse?: (guid: string) => boolean;
}) {
  const imports: string[][] = [];
  const masterReads: string[] = [];
  const hoMasters: BooksObject[] = [];
  const offline = (server: BooksServer) =>
    (server.companyId === ho.companyId && state.hoOffline) ||
    (server.companyId === branch.companyId && state.branchOffline)
      ? new PortalError('portal_unavailable', 'connection reset')
      : null;
  const client = {
    lastAlterId: (server: BooksServer) => {
      const down = offline(server);
      return down ? Promise.reject(down) : Promise.resolve(server.companyId === branch.companyId ? 14 : 0);
    },
    deleted: () => Promise.resolve([]),
    pages: (w: AlterWindow) => [w],
    changedPage: (_s: BooksServer, _c: string, _t: string, page: AlterWindow) =>
      Promise.resolve(
        [11, 12, 13, 14].filter((a) => a > page.after && a <= page.upTo).map((a) => voucher(a)),
      ),
    masters: (server: BooksServer) => {
      masterReads.push(server.companyId);
      const down = offline(server);
      if (down) return Promise.reject(down);
      return Promise.resolve(
        server.companyId === branch.companyId ? [ledger('Cash', 1), ledger('Party', 2)] : hoMasters,
      );
    },
    import: (server: BooksServer, _c: string, objects: readonly (ImportObject & { guid?: string })[]) => {
      const down = offline(server);
      if (down) return Promise.reject(down);
      const guids = objects.map((o) => o.guid ?? String(o.node.GUID));
      imports.push(guids);
      const response: ImportResponse = {
        created: 0,
        altered: 0,
        deleted: 0,
        ignored: 0,
        errors: 0,
        lineErrors: [],
      };
      guids.forEach((guid, i) => {
        if (state.refuse?.(guid)) {
          response.errors++;
          response.lineErrors.push({ index: i + 1, guid, message: 'refused' });
        } else response.created++;
      });
      return Promise.resolve(response);
    },
  };
  return { client: client as unknown as BooksServerClient, imports, masterReads, hoMasters };
}

const rules: BooksRule[] = [
  {
    id: '0193b000-0000-7000-8000-000000000001',
    class: 'transactions',
    types: [],
    direction: 'send',
    fromDate: null,
  },
];
const input = (watermark = 10) => ({
  category: 'books.transactions' as const,
  direction: 'send' as const,
  sender: branch,
  receiver: ho,
  rules,
  watermark,
  echoes: new Set<string>(),
  signal: new AbortController().signal,
});

describe('held changes: expiry and order', () => {
  it('expires what was held the whole hold or longer, and keeps the rest in the order held', () => {
    const now = new Date(10 * DAY);
    const rows = [
      row(10, { heldAt: new Date(now.getTime() - DAY) }),
      row(9, { heldAt: new Date(now.getTime() - 3 * DAY) }),
      row(2, { heldAt: new Date(now.getTime() - 7 * DAY) }),
      row(1, { heldAt: new Date(now.getTime() - 8 * DAY) }),
    ];
    const { live, expired } = splitExpired(rows, now, 7 * DAY);
    expect(expired.map((r) => r.id)).toEqual(['1', '2']);
    // By id as a number: '10' comes after '9'.
    expect(live.map((r) => r.id)).toEqual(['9', '10']);
  });

  it('leaves out brought-along masters the receiver holds by now (and repeats), never a change of its own', () => {
    const rows = [
      row(3, { tag: 'LEDGER', guid: 'l-Cash', name: 'Cash', brought: true }),
      row(1, { tag: 'LEDGER', guid: 'l-Party', name: 'Party', brought: true }),
      row(2, { tag: 'LEDGER', guid: 'l-Cash2', name: 'Cash', brought: false }),
      row(4, { tag: 'LEDGER', guid: 'l-Party', name: 'party ', brought: true }),
      row(5),
    ];
    const { apply, skip } = heldToApply(rows, (_tag, name) => name === 'Cash');
    expect(apply.map((r) => r.id)).toEqual(['1', '2', '5']);
    expect(skip.map((r) => r.id).sort()).toEqual(['3', '4']);
  });

  it('a held change a newer change of the same object replaced is stale', () => {
    expect(superseded([row(1), row(2)], new Set(['v-2'])).map((r) => r.id)).toEqual(['2']);
  });
});

describe('DirectionSync with a hold', () => {
  it('holding: reads and judges as usual, imports nothing, brings every referred master, moves the watermark', async () => {
    const books = fakeBooks({ hoOffline: true });
    const result = await new DirectionSync(books.client, 500).run({ ...input(), holding: true });
    expect(result.error).toBeNull();
    expect(books.imports).toEqual([]);
    expect(books.masterReads).not.toContain(ho.companyId); // the receiver is not asked
    expect(result.held.map((h) => [h.guid, h.brought])).toEqual([
      ['l-Cash', true],
      ['l-Party', true],
      ['v-11', false],
      ['v-12', false],
      ['v-13', false],
      ['v-14', false],
    ]);
    expect(result.counts).toMatchObject({ held: 4, created: 0, errors: 0 }); // brought masters not counted
    expect(result.watermark).toBe(14);
  });

  it('applies held changes first, in the order held, before anything newer; a refused one stays held', async () => {
    const books = fakeBooks({ hoOffline: false, refuse: (g) => g === 'v-8' });
    books.hoMasters.push(ledger('Cash', 1)); // the HO has Cash by now: the brought-along copy is left out
    const held = [
      row(1, { tag: 'LEDGER', guid: 'l-Cash', name: 'Cash', brought: true }),
      row(2, { tag: 'LEDGER', guid: 'l-Party', name: 'Party', brought: true }),
      row(3, { guid: 'v-7', alterId: 7 }),
      row(4, { guid: 'v-8', alterId: 8 }),
      row(5, { guid: 'v-9', alterId: 9 }),
    ];
    const result = await new DirectionSync(books.client, 500).run({ ...input(), held });
    expect(books.imports[0]).toEqual(['l-Party', 'v-7', 'v-8', 'v-9']);
    expect(books.imports.flat().slice(4)).toEqual(['v-11', 'v-12', 'v-13', 'v-14']);
    expect(result.heldDone.sort()).toEqual(['1', '2', '3', '5']);
    expect(result.failed.map((f) => f.guid)).toEqual(['v-8']);
  });

  it('stops, applying nothing newer, when the receiver drops while the held changes go in', async () => {
    const books = fakeBooks({ hoOffline: true });
    const result = await new DirectionSync(books.client, 500).run({ ...input(), held: [row(3)] });
    expect(result.error?.code).toBe('portal_unavailable');
    expect(result.heldDone).toEqual([]);
    expect(result.watermark).toBe(10);
  });
});

/** The hold in memory (the real one is PostgreSQL; see connector-books.integration-spec). */
function memoryHold() {
  const rows: (HeldRow & { key: HoldKey })[] = [];
  let next = 1;
  const store = {
    lockLink: () => Promise.resolve(),
    pending: (key: HoldKey) =>
      Promise.resolve(rows.filter((r) => r.key.linkId === key.linkId && r.key.direction === key.direction)),
    add: (_m: unknown, key: HoldKey, _job: unknown, changes: HeldChange[], heldAt: Date) => {
      for (const c of changes) rows.push({ ...c, id: String(next++), direction: key.direction, heldAt, key });
      return Promise.resolve();
    },
    remove: (_m: unknown, ids: string[]) => {
      for (const id of ids) rows.splice(rows.findIndex((r) => r.id === id) >>> 0, 1);
      return Promise.resolve();
    },
    totals: () =>
      Promise.resolve({
        count: rows.filter((r) => !r.brought).length,
        oldestAt: rows.length ? new Date(Math.min(...rows.map((r) => r.heldAt.getTime()))) : null,
      }),
  };
  return { rows, store: store as unknown as HoldStore };
}

describe('BooksJobHandler on an on-demand link', () => {
  const linkId = '0193b000-0000-7000-8000-0000000000a1';
  const request: BooksJobRequested = {
    jobId: '0193b000-0000-7000-8000-0000000000f1',
    runId: '0193b000-0000-7000-8000-0000000000f2',
    firmId: 'firm-1',
    linkId,
    category: 'books.transactions',
    client: branch,
    server: ho,
    rules,
    attempt: 1,
    mode: 'on_demand',
  };
  const job = (jobId: string): HandledJob =>
    ({
      jobId,
      attempt: 1,
      runId: request.runId,
      firmId: 'firm-1',
      requestEventId: 'e',
      startedAt: new Date(),
      payload: { ...request, jobId },
    }) as unknown as HandledJob;
  const watermarks = new Map<string, number>();
  const booksStore = {
    watermark: () => Promise.resolve(watermarks.get('send') ?? 10),
    saveWatermark: (_m: unknown, _k: unknown, _f: string, alterId: number) => {
      watermarks.set('send', alterId);
      return Promise.resolve();
    },
    saveErrors: () => Promise.resolve(),
  } as unknown as BooksStore;
  const manager = {} as EntityManager;
  // No conflict in these jobs: nothing queued, no sync base known (the conflicts module has its own specs).
  const conflicts = {
    openOf: () => Promise.resolve(new Map()),
    bases: () => Promise.resolve(new Map()),
    saveBases: () => Promise.resolve(),
    dropBases: () => Promise.resolve(),
    queue: () => Promise.resolve(),
  } as unknown as ConflictsStore;

  async function runJob(
    books: ReturnType<typeof fakeBooks>,
    hold: ReturnType<typeof memoryHold>,
    now: Date,
    jobId: string,
  ) {
    const clock = { now: () => Promise.resolve(now) };
    const handler = new BooksJobHandler(
      books.client,
      booksStore,
      500,
      conflicts,
      new BooksHold(hold.store, books.client, clock, 7 * DAY),
    );
    const handled = await handler.handle(job(jobId), new AbortController().signal);
    const events = await handled.persist(manager, new Date());
    const completed = events.at(-1)?.envelope.data as BooksJobCompleted;
    return { handled, completed, events };
  }

  it('holds while the receiver is offline, says so (not applied), then applies in order once it answers', async () => {
    watermarks.clear();
    const hold = memoryHold();
    const books = fakeBooks({ hoOffline: true });
    const day0 = new Date(100 * DAY);
    const first = await runJob(books, hold, day0, '0193b000-0000-7000-8000-0000000000c1');
    expect(first.handled.completion.outcome).toBe('partial');
    expect(first.handled.completion.errorMessage).toContain('4 change(s) NOT applied yet');
    // Named as staff know it (its side and its books server), never by its internal id.
    expect(first.handled.completion.errorMessage).toContain('the server company (the books server at books)');
    expect(first.handled.completion.errorMessage).not.toContain(ho.companyId);
    expect(first.completed.counts).toMatchObject({ held: 4, created: 0 });
    expect(first.completed.held).toEqual({ count: 4, oldestAt: day0.toISOString() });
    // Nothing from the books on Kafka: the held bodies are not in any event.
    expect(JSON.stringify(first.events)).not.toContain('secret narration');
    expect(books.imports).toEqual([]);
    expect(watermarks.get('send')).toBe(14);

    const back = fakeBooks({ hoOffline: false });
    const second = await runJob(
      back,
      hold,
      new Date(day0.getTime() + 3 * DAY),
      '0193b000-0000-7000-8000-0000000000c2',
    );
    expect(back.imports.flat()).toEqual(['l-Cash', 'l-Party', 'v-11', 'v-12', 'v-13', 'v-14']);
    expect(second.handled.completion.outcome).toBe('succeeded');
    expect(second.completed.held).toEqual({ count: 0, oldestAt: null });
    expect(hold.rows).toHaveLength(0);
  });

  it('after the hold, reports the expired changes by identity, applies none of them, and asks for a new sync', async () => {
    watermarks.clear();
    const hold = memoryHold();
    const day0 = new Date(100 * DAY);
    await runJob(fakeBooks({ hoOffline: true }), hold, day0, '0193b000-0000-7000-8000-0000000000d1');
    const back = fakeBooks({ hoOffline: false });
    const later = await runJob(
      back,
      hold,
      new Date(day0.getTime() + 8 * DAY),
      '0193b000-0000-7000-8000-0000000000d2',
    );
    expect(back.imports).toEqual([]);
    expect(later.handled.completion.outcome).toBe('failed');
    expect(later.completed.errorCode).toBe('hold_expired');
    expect(later.completed.errorMessage).toContain('new sync (snapshot)');
    expect(later.completed.expiredObjects?.map((e) => e.guid)).toEqual(['v-11', 'v-12', 'v-13', 'v-14']);
    expect(later.completed.held).toEqual({ count: 0, oldestAt: null });
  });

  it('a sender that cannot be reached has nothing to send yet: no failure, and what was held still goes in', async () => {
    watermarks.clear();
    const hold = memoryHold();
    const day0 = new Date(100 * DAY);
    await runJob(fakeBooks({ hoOffline: true }), hold, day0, '0193b000-0000-7000-8000-0000000000b1');
    const swapped = fakeBooks({ hoOffline: false, branchOffline: true });
    const later = await runJob(
      swapped,
      hold,
      new Date(day0.getTime() + DAY),
      '0193b000-0000-7000-8000-0000000000b2',
    );
    expect(swapped.imports.flat()).toEqual(['l-Cash', 'l-Party', 'v-11', 'v-12', 'v-13', 'v-14']);
    expect(later.handled.completion.outcome).toBe('succeeded');
    expect(later.completed.held).toEqual({ count: 0, oldestAt: null });

    const quiet = await runJob(
      swapped,
      hold,
      new Date(day0.getTime() + DAY),
      '0193b000-0000-7000-8000-0000000000b3',
    );
    expect(quiet.handled.completion.outcome).toBe('no_change');
    expect(quiet.handled.completion.errorMessage).toContain(
      'The client company (the books server at books) could not be reached',
    );
    expect(watermarks.get('send')).toBe(14);
  });

  it('an online link whose receiver is down fails portal_unavailable and holds nothing', async () => {
    watermarks.clear();
    const hold = memoryHold();
    const books = fakeBooks({ hoOffline: true });
    const clock = { now: () => Promise.resolve(new Date()) };
    const handler = new BooksJobHandler(
      books.client,
      booksStore,
      500,
      conflicts,
      new BooksHold(hold.store, books.client, clock, 7 * DAY),
    );
    const handled = await handler.handle(
      { ...job('0193b000-0000-7000-8000-0000000000e1'), payload: { ...request, mode: 'online' } },
      new AbortController().signal,
    );
    expect(handled.completion.outcome).toBe('failed');
    expect(handled.completion.errorCode).toBe('portal_unavailable');
    await handled.persist(manager, new Date());
    expect(hold.rows).toHaveLength(0);
  });
});
