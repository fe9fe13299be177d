import type { BooksRule } from '@practice-sync/contracts';

import { DirectionSync } from '../sync/direction-sync';
import type { BooksObject } from '../tally/books-objects';
import type { BooksServer, BooksServerClient } from '../tally/books-server.client';
import type { ImportObject } from '../tally/tally-xml';
import type { AppliedVersion, DirectionGate } from './job-conflicts';

const ho: BooksServer = { companyId: 'h', booksUrl: 'http://books/ho' };
const branch: BooksServer = { companyId: 'b', booksUrl: 'http://books/branch' };

const master = (tag: 'GROUP' | 'LEDGER', name: string, alterId: number, parent = ''): BooksObject => ({
  tag,
  guid: `g-${name}`,
  alterId,
  name,
  reserved: false,
  node: { '@_NAME': name, PARENT: parent },
});

/** The HO's masters: group Region (synced long ago, now in conflict) and ledgers changed since watermark 10. */
const hoMasters = [
  master('GROUP', 'Region', 3),
  master('LEDGER', 'Altered Both', 11, 'Sundry Debtors'),
  master('LEDGER', 'Echo', 12, 'Sundry Debtors'),
  master('LEDGER', 'New Party', 13, 'Region'),
];

function fakeBooks() {
  const imported: string[] = [];
  const client = {
    lastAlterId: () => Promise.resolve(13),
    deleted: () => Promise.resolve([]),
    pages: () => [],
    changed: (_s: BooksServer, _c: string, _t: string, w: { after: number }) =>
      Promise.resolve(hoMasters.filter((m) => m.alterId > w.after)),
    masters: (s: BooksServer) => Promise.resolve(s === ho ? hoMasters : []),
    import: (_s: BooksServer, _c: string, objects: readonly (ImportObject & { guid: string })[]) => {
      imported.push(...objects.map((o) => o.guid));
      return Promise.resolve({
        created: objects.length,
        altered: 0,
        deleted: 0,
        ignored: 0,
        errors: 0,
        lineErrors: [],
      });
    },
  };
  return { client: client as unknown as BooksServerClient, imported };
}

/** A gate that queues `Altered Both`, knows `Echo` as unchanged and holds group Region frozen (queued earlier). */
function fakeGate() {
  const applied: AppliedVersion[] = [];
  const batches: { before: number; given: number }[] = [];
  const gate: DirectionGate = {
    screen: (changes) => {
      const settled = changes.filter((c) => c.name === 'Altered Both' || c.name === 'Echo');
      return Promise.resolve({
        apply: changes.filter((c) => !settled.includes(c)),
        settled,
        conflicts: 1,
        unchanged: 1,
      });
    },
    screenDeletions: (deletions) => Promise.resolve({ apply: deletions, settled: [], conflicts: 0 }),
    frozen: (guid) => guid === 'g-Region' || guid === 'g-Altered Both',
    applied: (objects, batch) => {
      applied.push(...objects);
      batches.push(batch);
      return Promise.resolve();
    },
  };
  return { gate, applied, batches };
}

const rules: BooksRule[] = [
  {
    id: '0193b000-0000-7000-8000-000000000001',
    class: 'masters',
    types: [],
    direction: 'send',
    fromDate: null,
  },
];

describe('DirectionSync with the conflict gate', () => {
  it('imports only what the gate lets through, counts the rest, and lets the watermark pass them', async () => {
    const { client, imported } = fakeBooks();
    const { gate, applied, batches } = fakeGate();
    const result = await new DirectionSync(client, 500).run({
      category: 'books.masters',
      direction: 'send',
      sender: ho,
      receiver: branch,
      rules,
      watermark: 10,
      echoes: new Set(),
      gate,
      signal: new AbortController().signal,
    });
    expect(result.error).toBeNull();
    // The new ledger goes; its group is in conflict, so it is not brought along (the ledger then fails at a
    // real receiver until the conflict is resolved, and is sent again).
    expect(imported).toEqual(['g-New Party']);
    expect(result.counts).toMatchObject({ created: 1, conflicts: 1, unchanged: 1 });
    expect(result.watermark).toBe(13);
    expect(applied.map((a) => [a.guid, a.action, a.alterId])).toEqual([['g-New Party', 'Create', 13]]);
    // The receiver's counter before the batch and the ALTERIDs the batch gave (what the bases are told from).
    expect(batches).toEqual([{ before: 13, given: 1 }]);
  });

  it('without a gate the same masters all travel, the group brought along', async () => {
    const { client, imported } = fakeBooks();
    await new DirectionSync(client, 500).run({
      category: 'books.masters',
      direction: 'send',
      sender: ho,
      receiver: branch,
      rules,
      watermark: 10,
      echoes: new Set(),
      signal: new AbortController().signal,
    });
    expect(imported.sort()).toEqual(['g-Altered Both', 'g-Echo', 'g-New Party', 'g-Region']);
  });
});
