import { PortalError } from '@practice-sync/connector-kit';
import type { BooksRule } from '@practice-sync/contracts';

import type { BooksObject, DeletedObject } from '../tally/books-objects';
import type { BooksServer, BooksServerClient } from '../tally/books-server.client';
import type { ImportResponse } from '../tally/import-response';
import type { AlterWindow, ImportObject } from '../tally/tally-xml';
import { DirectionSync } from './direction-sync';

const branch: BooksServer = { companyId: 'b', booksUrl: 'http://books/branch' };
const ho: BooksServer = { companyId: 'h', booksUrl: 'http://books/ho' };

const ledger = (name: string, alterId: number): BooksObject => ({
  tag: 'LEDGER',
  guid: `l-${name}`,
  alterId,
  name,
  reserved: false,
  node: { '@_NAME': name, PARENT: 'Sundry Debtors' },
});
const voucher = (alterId: number, ledgerName: string): BooksObject => ({
  tag: 'VOUCHER',
  guid: `v-${alterId}`,
  alterId,
  name: '',
  reserved: false,
  node: {
    VOUCHERTYPENAME: 'Sales',
    DATE: '20260110',
    'ALLLEDGERENTRIES.LIST': [{ LEDGERNAME: ledgerName }, { LEDGERNAME: 'Cash' }],
  },
});

type Call =
  | { kind: 'export'; page: AlterWindow }
  | { kind: 'import'; guids: string[] }
  | { kind: 'masters'; of: string };

/**
 * A branch whose vouchers (ALTERIDs 11…40) use the ledgers `Cash` and `Party`, which the HO lacks; 10-ALTERID
 * export pages. Records the calls and how many exported objects the job holds at once.
 */
function fakeBooks(options: { failExportAfter?: number; refuse?: (guid: string) => boolean } = {}) {
  const calls: Call[] = [];
  const masters = [ledger('Cash', 1), ledger('Party', 2)];
  const vouchers = Array.from({ length: 30 }, (_, i) => voucher(11 + i, 'Party'));
  const deletions: DeletedObject[] = [{ tag: 'VOUCHER', guid: 'v-gone', alterId: 41 }];
  const imported = new Set<string>();
  const client = {
    lastAlterId: () => Promise.resolve(41),
    deleted: () => Promise.resolve(deletions),
    pages: (w: AlterWindow) => {
      const out: AlterWindow[] = [];
      for (let a = w.after; a < w.upTo; a += 10) out.push({ after: a, upTo: Math.min(w.upTo, a + 10) });
      return out;
    },
    changedPage: (_s: BooksServer, _c: string, _t: string, page: AlterWindow) => {
      calls.push({ kind: 'export', page });
      if (options.failExportAfter !== undefined && page.after >= options.failExportAfter) {
        return Promise.reject(new PortalError('portal_unavailable', 'branch offline'));
      }
      return Promise.resolve(vouchers.filter((v) => v.alterId > page.after && v.alterId <= page.upTo));
    },
    changed: () => Promise.reject(new Error('vouchers are read page by page')),
    masters: (server: BooksServer) => {
      calls.push({ kind: 'masters', of: server.companyId });
      return Promise.resolve(server === branch ? masters : []);
    },
    import: (_s: BooksServer, _c: string, objects: readonly (ImportObject & { guid?: string })[]) => {
      const guids = objects.map((o) => o.guid ?? String(o.node.GUID));
      calls.push({ kind: 'import', guids });
      const response: ImportResponse = {
        created: 0,
        altered: 0,
        deleted: 0,
        ignored: 0,
        errors: 0,
        lineErrors: [],
      };
      guids.forEach((guid, i) => {
        if (options.refuse?.(guid)) {
          response.errors++;
          response.lineErrors.push({ index: i + 1, guid, message: "Ledger 'Party' does not exist!" });
        } else if (objects[i].action === 'Delete') {
          response.errors++;
          response.lineErrors.push({ index: i + 1, guid, message: 'Voucher does not exist!' });
        } else {
          response.created++;
          imported.add(guid);
        }
      });
      return Promise.resolve(response);
    },
  };
  return { client: client as unknown as BooksServerClient, calls, imported };
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

describe('DirectionSync, vouchers page by page', () => {
  it('imports each export page before reading past the next one, so a job holds at most two pages', async () => {
    const { client, calls, imported } = fakeBooks();
    const result = await new DirectionSync(client, 500).run(input());
    expect(result.error).toBeNull();
    // Pages (10,20] (20,30] (30,40] (40,41]; page n + 1 is read ahead while page n is imported, never n + 2.
    const order = calls
      .filter((c) => c.kind !== 'masters')
      .map((c) => (c.kind === 'export' ? `e${c.page.upTo}` : 'i'));
    expect(order).toEqual(['e20', 'e30', 'i', 'e40', 'i', 'e41', 'i', 'i']);
    expect(imported.size).toBe(32); // 30 vouchers and the two ledgers they need
    expect(result.counts).toMatchObject({ created: 32, errors: 0, unchanged: 1 }); // the absent deletion
    expect(result.watermark).toBe(41);
  });

  it("brings the receiver's missing masters once, with the first page that needs them, before its vouchers", async () => {
    const { client, calls } = fakeBooks();
    await new DirectionSync(client, 500).run(input());
    const imports = calls.flatMap((c) => (c.kind === 'import' ? [c.guids] : []));
    expect(imports[0].slice(0, 2).sort()).toEqual(['l-Cash', 'l-Party']);
    expect(imports.flat().filter((g) => g.startsWith('l-'))).toHaveLength(2);
    // Each company's masters are read once per job, however many pages there are.
    expect(calls.filter((c) => c.kind === 'masters')).toHaveLength(2);
  });

  it('keeps what earlier pages applied when the sender stops answering part-way', async () => {
    const { client, imported } = fakeBooks({ failExportAfter: 30 });
    const result = await new DirectionSync(client, 500).run(input());
    expect(result.error?.code).toBe('portal_unavailable');
    expect(imported.size).toBe(22); // pages (10,20] and (20,30] and their ledgers
    // Read and applied up to 30; the rest (and the deletion at 41) is read again next run.
    expect(result.watermark).toBe(30);
  });

  it('stops the watermark below the first refused voucher, in whichever page it was', async () => {
    const { client } = fakeBooks({ refuse: (guid) => guid === 'v-25' });
    const result = await new DirectionSync(client, 500).run(input());
    expect(result.failed.map((f) => f.guid)).toEqual(['v-25']);
    expect(result.counts.errors).toBe(1);
    expect(result.watermark).toBe(24);
  });
});
