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
    send.applied([{ guid: 'B', tag: 'LEDGER', node: hoChanges[1].node, alterId: 21, action: 'Create' }]);

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
    // B's base: the content sent, the HO's exported ALTERID, the branch's counter before the import.
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
