import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import type { BooksCategory, BooksJobRequested, BooksRule } from '@practice-sync/contracts';
import { runServiceMigrations } from '@practice-sync/persistence';
import type { BooksProbe, SandboxBooks, SandboxBooksObject } from '@practice-sync/testing';
import { BooksHarness, uniqueName } from '@practice-sync/testing';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';

import { CONNECTOR_BOOKS, loadConnectorBooksConfig } from '../config/connector-books.config';

jest.setTimeout(240_000);

const LOCAL_IDS = ['masterId', 'voucherId', 'alterId'];
const content = (o: SandboxBooksObject): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !LOCAL_IDS.includes(k)));
const isVoucher = (o: SandboxBooksObject): boolean => o.type.toUpperCase() === 'VOUCHER';
const NARRATION = 'Cheque 448812 from Mehta Traders for invoice P-77';

/**
 * On-demand store-and-forward against the sandbox's books servers, real Kafka and PostgreSQL: the link's
 * client (the HO) receives the branch's vouchers; while the HO's books server is offline the changes are held
 * (sealed) in connector-books' PostgreSQL, applied in order once it answers, and expire on the sandbox clock.
 */
describe('connector-books: on-demand holds', () => {
  const harness = new BooksHarness({
    migrate: (url) =>
      runServiceMigrations(
        connectorDatabaseOptions(CONNECTOR_BOOKS, loadConnectorBooksConfig({ DATABASE_URL: url })),
      ),
    connectorEnv: { RETRY_BASE_DELAY_MS: '20', RETRY_MAX_ATTEMPTS: '1', BOOKS_IMPORT_BATCH_SIZE: '50' },
  });
  const { run, firmId } = harness;
  let books: SandboxBooks;
  let probe: BooksProbe;
  let db: Client;
  const key = (name: string) =>
    uniqueName(name)
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 60);
  const ho = key('ho');
  const branch = key('br');
  const linkId = uuidv7();
  const hoId = '0193b000-0000-7000-8000-0000000000a1';
  let hoUrl = '';
  let branchUrl = '';
  const rules: BooksRule[] = [
    { id: uuidv7(), class: 'masters', types: [], direction: 'send', fromDate: null },
    { id: uuidv7(), class: 'transactions', types: [], direction: 'receive', fromDate: null },
  ];
  const job = (category: BooksCategory): BooksJobRequested => ({
    jobId: uuidv7(),
    runId: uuidv7(),
    firmId,
    linkId,
    category,
    client: { companyId: hoId, booksUrl: hoUrl },
    server: { companyId: '0193b000-0000-7000-8000-0000000000b2', booksUrl: branchUrl },
    rules,
    attempt: 1,
    mode: 'on_demand',
  });
  const heldRows = async () =>
    (
      await db.query<Record<string, unknown>>(
        'SELECT * FROM connector_books.books_held_changes WHERE link_id = $1 ORDER BY id',
        [linkId],
      )
    ).rows;
  const voucher = (narration?: string) =>
    books.change(branch, {
      action: 'create',
      type: 'voucher',
      ...(narration
        ? {
            body: {
              voucherType: 'Receipt',
              date: '20260112',
              narration,
              ledgerEntries: [
                { ledger: 'Cash', amount: -5000 },
                { ledger: 'Sales - Local', amount: 5000 },
              ],
            },
          }
        : {}),
    });

  beforeAll(async () => {
    ({ books, probe } = await harness.start());
    hoUrl = (await books.company(ho, 'Mehta HO', 10)).booksUrl;
    branchUrl = (await books.company(branch, 'Mehta Pune', 0)).booksUrl;
    db = new Client({ connectionString: harness.databaseUrl });
    await db.connect();
    // Online first: the branch takes the HO's masters.
    const [masters] = await run([job('books.masters')]);
    expect(masters.outcome).toBe('succeeded');
  });
  afterAll(async () => {
    await db?.end();
    await harness.stop();
  });

  it('holds the changes sealed while the receiver is offline and applies them in order once it is back', async () => {
    await books.offline(ho, true);
    const first = await voucher(NARRATION);
    await voucher();
    const [held1] = await run([job('books.transactions')]);
    expect(held1).toMatchObject({ outcome: 'partial', errorCode: null, counts: { held: 2, created: 0 } });
    expect(held1.errorMessage).toContain('NOT applied yet');
    expect(held1.held).toMatchObject({ count: 2 });
    const oldest = held1.held?.oldestAt;

    // A day later the branch alters the first voucher: held behind the first two.
    await harness.sandbox.advanceDays(1);
    await books.change(branch, { action: 'alter', type: 'voucher', guid: first.guid });
    const [held2] = await run([job('books.transactions')]);
    expect(held2.counts.held).toBe(1);
    expect(held2.held).toEqual({ count: 3, oldestAt: oldest });

    // At rest: sealed per row with the key id, nothing from the books in the clear; nothing on Kafka either.
    const rows = await heldRows();
    // The three vouchers and the masters they refer to (brought along: the HO's are not known while offline).
    expect(rows.filter((r) => r.brought === false)).toHaveLength(3);
    for (const r of rows) {
      expect(r.key_id).toBe('dev');
      expect(String(r.sealed)).toMatch(/^v1\.dev\./);
    }
    expect(JSON.stringify(rows)).not.toContain('Cheque 448812');
    expect(JSON.stringify(rows)).not.toContain('Mehta');
    expect(JSON.stringify(probe.results)).not.toContain('Cheque 448812');
    expect((await books.objects(ho, 'voucher')).map((v) => v.guid)).not.toContain(first.guid);

    // Three sandbox days on, the HO is back: everything held goes in, the alteration last.
    await harness.sandbox.advanceDays(2);
    await books.offline(ho, false);
    const [back] = await run([job('books.transactions')]);
    expect(back).toMatchObject({ outcome: 'succeeded', errorCode: null, held: { count: 0, oldestAt: null } });
    const hoVouchers = new Map((await books.objects(ho, 'voucher')).map((v) => [v.guid, content(v)]));
    const branchVouchers = (await books.objects(branch)).filter(isVoucher);
    expect(branchVouchers).toHaveLength(2); // the first one altered: the HO must hold its later version
    for (const v of branchVouchers) expect(hoVouchers.get(v.guid)).toEqual(content(v));
    expect(await heldRows()).toHaveLength(0);
  });

  it('after the hold (8 sandbox days) reports the expired changes by identity and applies none', async () => {
    await books.offline(ho, true);
    const stale = await voucher();
    const [held] = await run([job('books.transactions')]);
    expect(held.counts.held).toBe(1);
    await harness.sandbox.advanceDays(8);
    await books.offline(ho, false);
    const [expired] = await run([job('books.transactions')]);
    expect(expired).toMatchObject({
      outcome: 'failed',
      errorCode: 'hold_expired',
      retryable: false,
      held: { count: 0, oldestAt: null },
      expiredObjects: [{ guid: stale.guid, type: 'VOUCHER', direction: 'receive' }],
    });
    expect(expired.errorMessage).toContain('before the client company (the books server at 127.0.0.1:');
    expect(expired.errorMessage).not.toContain(hoId);
    expect(expired.errorMessage).toContain('new sync (snapshot)');
    expect((await books.objects(ho, 'voucher')).map((v) => v.guid)).not.toContain(stale.guid);
    expect(await heldRows()).toHaveLength(0);
  });
});
