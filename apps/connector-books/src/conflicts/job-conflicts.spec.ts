import type { EntityManager } from 'typeorm';

import type { BooksObject } from '../tally/books-objects';
import type { BooksServer, BooksServerClient } from '../tally/books-server.client';
import type { SyncBase } from './conflict-detection';
import type { ConflictsStore, QueuedConflict } from './conflicts-store';
import { JobConflicts } from './job-conflicts';
import { contentHash } from './object-version';

const ho: BooksServer = { companyId: 'ho', booksUrl: 'http://books/ho' };
const branch: BooksServer = { companyId: 'br', booksUrl: 'http://books/br' };

const ledger = (guid: string, alterId: number, balance: string, name = guid): BooksObject => ({
  tag: 'LEDGER',
  guid,
  alterId,
  name,
  reserved: false,
  node: {
    '@_NAME': name,
    GUID: guid,
    ALTERID: String(alterId),
    PARENT: 'Sundry Debtors',
    OPENINGBALANCE: balance,
  },
});

/**
 * A link whose client is the HO and server the branch, masters both ways. Synced before: ledgers A, B and C at
 * balance 0 (the HO's ALTERIDs 10–12, the branch's 50–52). Since: the HO altered A and B, the branch altered A
 * (a conflict) and C; B's branch copy only got a new ALTERID from another import (same content).
 */
function world() {
  const synced = contentHash(ledger('A', 0, '0').node);
  const baseOf = (guid: string, c: number, s: number): SyncBase => ({
    hash: contentHash(ledger(guid, 0, '0').node),
    clientAlterId: c,
    serverAlterId: s,
  });
  const bases = new Map<string, SyncBase>([
    ['A', baseOf('A', 10, 50)],
    ['B', baseOf('B', 11, 51)],
    ['C', baseOf('C', 12, 52)],
  ]);
  const books = new Map<string, BooksObject[]>([
    ['ho', [ledger('A', 20, '-100'), ledger('B', 21, '-200'), ledger('C', 12, '0')]],
    ['br', [ledger('A', 60, '-999', 'A Renamed'), ledger('B', 61, '0'), ledger('C', 62, '-300')]],
  ]);
  const queued: QueuedConflict[] = [];
  const saved = new Map<string, { type: string; base: SyncBase }>();
  const store = {
    openOf: () => Promise.resolve(new Map<string, string>()),
    bases: (_link: string, guids: readonly string[]) =>
      Promise.resolve(new Map([...bases].filter(([g]) => guids.includes(g)))),
    saveBases: (_m: EntityManager, _l: string, b: ReadonlyMap<string, { type: string; base: SyncBase }>) => {
      for (const [g, v] of b) saved.set(g, v);
      return Promise.resolve();
    },
    dropBases: () => Promise.resolve(),
    queue: (_m: EntityManager, _j: unknown, c: readonly QueuedConflict[]) => {
      queued.push(...c);
      return Promise.resolve();
    },
  };
  const client = {
    lastAlterId: (s: BooksServer) => Promise.resolve(s === ho ? 30 : 70),
    masters: (s: BooksServer) => Promise.resolve(books.get(s.companyId) ?? []),
  };
  return {
    synced,
    books,
    queued,
    saved,
    start: () =>
      JobConflicts.start(store as unknown as ConflictsStore, client as unknown as BooksServerClient, {
        firmId: 'f',
        linkId: 'l',
        jobId: 'j',
        category: 'books.masters',
        client: ho,
        server: branch,
      }),
  };
}

const signal = new AbortController().signal;

describe('JobConflicts: a job screening both directions of a link', () => {
  it('queues what both ends altered, applies what one end altered, skips what only an import touched', async () => {
    const w = world();
    const job = await w.start();
    const send = job.direction('send', 12);
    const hoChanges = (w.books.get('ho') as BooksObject[]).filter((o) => o.alterId > 12);
    const sent = await send.screen(hoChanges, signal);
    expect(sent.apply.map((o) => o.guid)).toEqual(['B']);
    expect(sent.settled.map((o) => o.guid)).toEqual(['A']);
    expect(sent).toMatchObject({ conflicts: 1, unchanged: 0 });
    expect(send.frozen('A')).toBe(true);
    await send.applied(
      [{ guid: 'B', tag: 'LEDGER', node: hoChanges[1].node, alterId: 21, action: 'Create' }],
      { before: 69, given: 1 },
      signal,
    );

    // The other way, the branch's A is the same conflict (counted once per job), its C goes to the HO.
    const receive = job.direction('receive', 21);
    const branchChanges = (w.books.get('br') as BooksObject[]).filter((o) => o.guid !== 'B');
    const received = await receive.screen(branchChanges, signal);
    expect(received.apply.map((o) => o.guid)).toEqual(['C']);
    expect(received).toMatchObject({ conflicts: 0, unchanged: 0 });
    expect(job.ids).toHaveLength(1);

    await job.persist({} as EntityManager, new Date());
    expect(w.queued).toHaveLength(1);
    const [conflict] = w.queued;
    expect(conflict).toMatchObject({ guid: 'A', type: 'LEDGER', existing: false, cls: 'masters' });
    expect(conflict.versions.client?.node?.OPENINGBALANCE).toBe('-100');
    expect(conflict.versions.client?.alterId).toBe(20);
    expect(conflict.versions.server?.node?.['@_NAME']).toBe('A Renamed');
    // B's base: the content sent, the HO's exported ALTERID, the branch's counter after the batch (which alone
    // moved it from 69 to 70).
    expect(w.saved.get('B')?.base).toEqual({
      hash: contentHash(hoChanges[1].node),
      clientAlterId: 21,
      serverAlterId: 70,
    });
  });

  it('the echo of an import (content as synced) is unchanged, and not sent back', async () => {
    const w = world();
    const job = await w.start();
    const receive = job.direction('receive', 52);
    const screened = await receive.screen([ledger('B', 61, '0')], signal);
    expect(screened).toMatchObject({ apply: [], conflicts: 0, unchanged: 1 });
  });

  it('a deletion of a ledger the other end altered is queued with the deleted side marked; an untouched one goes', async () => {
    const w = world();
    const job = await w.start();
    const send = job.direction('send', 12);
    const screened = await send.screenDeletions(
      [
        { tag: 'LEDGER', guid: 'C', alterId: 25 },
        { tag: 'LEDGER', guid: 'B', alterId: 26 },
      ],
      signal,
    );
    expect(screened.apply.map((d) => d.guid)).toEqual(['B']);
    expect(screened.settled.map((d) => d.guid)).toEqual(['C']);
    expect(screened.conflicts).toBe(1);
    await job.persist({} as EntityManager, new Date());
    expect(w.queued[0].versions.client).toEqual({ node: null, alterId: 25 });
    expect(w.queued[0].versions.server?.node?.OPENINGBALANCE).toBe('-300');
  });
});

const voucher = (guid: string, alterId: number, ledger: string, amount: string): BooksObject => ({
  tag: 'VOUCHER',
  guid,
  alterId,
  name: '',
  reserved: false,
  node: {
    '@_VCHTYPE': 'Sales',
    GUID: guid,
    ALTERID: String(alterId),
    VOUCHERTYPENAME: 'Sales',
    DATE: '20261201',
    PARTYLEDGERNAME: ledger,
    'ALLLEDGERENTRIES.LIST': [
      { LEDGERNAME: ledger, AMOUNT: `-${amount}` },
      { LEDGERNAME: 'Sales', AMOUNT: amount },
    ],
  },
});

/**
 * Vouchers sent from a branch (the link's client) to the HO (its server), the HO's books kept as Tally keeps
 * them: one ALTERID counter, each object with the ALTERID of its own last alteration; another link's imports
 * may take ALTERIDs at the HO while ours runs.
 */
function voucherLink() {
  const saved = new Map<string, SyncBase>();
  const queued: QueuedConflict[] = [];
  const hoBooks = { counter: 100, vouchers: new Map<string, BooksObject>() };
  const store = {
    openOf: () => Promise.resolve(new Map<string, string>()),
    bases: (_link: string, guids: readonly string[]) =>
      Promise.resolve(new Map([...saved].filter(([g]) => guids.includes(g)))),
    saveBases: (_m: EntityManager, _l: string, b: ReadonlyMap<string, { type: string; base: SyncBase }>) => {
      for (const [g, v] of b) saved.set(g, v.base);
      return Promise.resolve();
    },
    dropBases: () => Promise.resolve(),
    queue: (_m: EntityManager, _j: unknown, c: readonly QueuedConflict[]) => {
      queued.push(...c);
      return Promise.resolve();
    },
  };
  const client = {
    lastAlterId: (s: BooksServer) => Promise.resolve(s === ho ? hoBooks.counter : 0),
    changed: (s: BooksServer, _c: string, _t: string, w: { after: number; upTo: number }) =>
      Promise.resolve(
        s === ho
          ? [...hoBooks.vouchers.values()].filter((v) => v.alterId > w.after && v.alterId <= w.upTo)
          : [],
      ),
  };
  /** The HO alters (or our import writes) a voucher: it takes the next ALTERID. */
  const hoAlters = (v: BooksObject): void => {
    hoBooks.counter += 1;
    hoBooks.vouchers.set(v.guid, { ...v, alterId: hoBooks.counter });
  };
  /** The HO renames a ledger: the ledger takes an ALTERID; the vouchers naming it read the new name, theirs unchanged. */
  const hoRenames = (from: string, to: string): void => {
    hoBooks.counter += 1;
    for (const [guid, v] of hoBooks.vouchers) {
      const renamed = JSON.parse(
        JSON.stringify(v.node).replaceAll(`"${from}"`, `"${to}"`),
      ) as BooksObject['node'];
      hoBooks.vouchers.set(guid, { ...v, node: renamed });
    }
  };
  const job = () =>
    JobConflicts.start(store as unknown as ConflictsStore, client as unknown as BooksServerClient, {
      firmId: 'f',
      linkId: 'l',
      jobId: 'j',
      category: 'books.transactions',
      client: branch,
      server: ho,
    });
  /**
   * One send job: screens the branch's changes and deletions, imports what it lets through at the HO;
   * `meanwhile` runs at the HO after our import, before the HO's counter is read again.
   */
  const send = async (
    changes: BooksObject[],
    deletions: { guid: string; alterId: number }[] = [],
    meanwhile: () => void = () => undefined,
  ) => {
    const conflicts = await job();
    const gate = conflicts.direction('send', null);
    const screened = await gate.screen(changes, signal);
    const gone = await gate.screenDeletions(
      deletions.map((d) => ({ tag: 'VOUCHER' as const, ...d })),
      signal,
    );
    const before = hoBooks.counter;
    for (const c of screened.apply) hoAlters(c);
    for (const d of gone.apply) {
      hoBooks.counter += 1;
      hoBooks.vouchers.delete(d.guid);
    }
    meanwhile();
    await gate.applied(
      [
        ...screened.apply.map((c) => ({ ...c, action: 'Create' as const })),
        ...gone.apply.map((d) => ({ ...d, node: { GUID: d.guid }, action: 'Delete' as const })),
      ],
      { before, given: screened.apply.length + gone.apply.length },
      signal,
    );
    await conflicts.persist({} as EntityManager, new Date());
    return { screened, gone };
  };
  return { hoBooks, saved, queued, hoAlters, hoRenames, send };
}

describe('JobConflicts: a voucher entered before the HO renamed a ledger it names', () => {
  const othersImport = (link: ReturnType<typeof voucherLink>) => () => {
    link.hoBooks.counter += 4;
  };

  it.each([
    ['nothing else changed at the HO during our import', false],
    ['another link imported at the HO during ours', true],
  ])('altered, then deleted at the branch: applied at the HO, not queued (%s)', async (_case, busy) => {
    const link = voucherLink();
    const meanwhile = busy ? othersImport(link) : undefined;
    await link.send([voucher('V', 5, 'Party', '100')], [], meanwhile);
    // The base holds the ALTERID our import gave the HO's copy.
    expect(link.hoBooks.vouchers.get('V')?.alterId).toBe(101);
    expect(link.saved.get('V')).toMatchObject({ clientAlterId: 5, serverAlterId: 101 });

    // The HO renames the ledger (the rename reaches the branch too); the branch then alters the voucher.
    link.hoRenames('Party', 'Party Pvt Ltd');
    const altered = await link.send([voucher('V', 9, 'Party Pvt Ltd', '120')], [], meanwhile);
    expect(altered.screened).toMatchObject({ conflicts: 0 });
    expect(altered.screened.apply.map((c) => c.guid)).toEqual(['V']);

    link.hoRenames('Party Pvt Ltd', 'Party Private Limited');
    const deleted = await link.send([], [{ guid: 'V', alterId: 12 }]);
    expect(deleted.gone).toMatchObject({ conflicts: 0 });
    expect(deleted.gone.apply.map((d) => d.guid)).toEqual(['V']);
    expect(link.hoBooks.vouchers.has('V')).toBe(false);
    expect(link.queued).toEqual([]);
  });

  it('edited at the HO as well (after the rename): the alter and the deletion are both queued', async () => {
    const link = voucherLink();
    await link.send([voucher('V', 5, 'Party', '100')]);
    await link.send([voucher('W', 6, 'Party', '200')]);
    link.hoRenames('Party', 'Party Pvt Ltd');
    link.hoAlters(voucher('V', 0, 'Party Pvt Ltd', '150'));
    link.hoAlters(voucher('W', 0, 'Party Pvt Ltd', '250'));

    const altered = await link.send([voucher('V', 9, 'Party Pvt Ltd', '120')]);
    expect(altered.screened).toMatchObject({ apply: [], conflicts: 1 });
    const deleted = await link.send([], [{ guid: 'W', alterId: 12 }]);
    expect(deleted.gone).toMatchObject({ apply: [], conflicts: 1 });
    expect(link.hoBooks.vouchers.has('W')).toBe(true);
    expect(link.queued.map((c) => c.guid)).toEqual(['V', 'W']);
  });

  it('altered at the HO right after our import while another link imported: not taken as synced', async () => {
    const link = voucherLink();
    await link.send([voucher('V', 5, 'Party', '100')], [], () => {
      link.hoAlters(voucher('V', 0, 'Party', '175'));
      link.hoBooks.counter += 2;
    });
    // Our import's ALTERID cannot be told (the HO's copy is not what we sent): the counter before it.
    expect(link.saved.get('V')).toMatchObject({ serverAlterId: 100 });
    const altered = await link.send([voucher('V', 9, 'Party', '120')]);
    expect(altered.screened).toMatchObject({ apply: [], conflicts: 1 });
  });
});
