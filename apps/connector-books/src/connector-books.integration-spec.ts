import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import type { BooksCategory, BooksJobRequested, BooksRule } from '@practice-sync/contracts';
import { runServiceMigrations } from '@practice-sync/persistence';
import type { BooksProbe, SandboxBooks, SandboxBooksObject } from '@practice-sync/testing';
import { BooksHarness, uniqueName } from '@practice-sync/testing';
import { v7 as uuidv7 } from 'uuid';

import { CONNECTOR_BOOKS, loadConnectorBooksConfig } from './config/connector-books.config';

jest.setTimeout(180_000);

const LOCAL_IDS = ['masterId', 'voucherId', 'alterId'];
/** An object as compared across companies: without the ids local to each company. */
const content = (o: SandboxBooksObject): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !LOCAL_IDS.includes(k)));
const byGuid = (objects: SandboxBooksObject[]): Map<string, Record<string, unknown>> =>
  new Map(objects.map((o) => [o.guid, content(o)]));
const isMaster = (o: SandboxBooksObject): boolean => o.type !== 'VOUCHER' && o.type !== 'voucher';
const vouchersOf = (objects: SandboxBooksObject[]) => objects.filter((o) => !isMaster(o));
const mastersOf = (objects: SandboxBooksObject[]) => objects.filter((o) => isMaster(o) && !o.reserved);

/**
 * connector-books as a process against two sandbox books servers (a head office and a branch), real Kafka and
 * PostgreSQL. The link's client is the HO: its masters rule sends (HO → branch), its transactions rule receives
 * (branch → HO).
 */
describe('connector-books against the sandbox books servers', () => {
  const harness = new BooksHarness({
    migrate: (url) =>
      runServiceMigrations(
        connectorDatabaseOptions(CONNECTOR_BOOKS, loadConnectorBooksConfig({ DATABASE_URL: url })),
      ),
    connectorEnv: { RETRY_BASE_DELAY_MS: '20', BOOKS_IMPORT_BATCH_SIZE: '50', BOOKS_EXPORT_WINDOW: '40' },
  });
  const { run, firmId } = harness;
  let books: SandboxBooks;
  let probe: BooksProbe;
  const ho = uniqueName('ho')
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 60);
  const branch = uniqueName('br')
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 60);
  const linkId = uuidv7();
  let hoUrl = '';
  let branchUrl = '';
  const rules: BooksRule[] = [
    { id: uuidv7(), class: 'masters', types: [], direction: 'send', fromDate: null },
    { id: uuidv7(), class: 'transactions', types: [], direction: 'receive', fromDate: null },
  ];
  const job = (category: BooksCategory, attempt = 1): BooksJobRequested => ({
    jobId: uuidv7(),
    runId: uuidv7(),
    firmId,
    linkId,
    category,
    client: { companyId: '0193b000-0000-7000-8000-0000000000a1', booksUrl: hoUrl },
    server: { companyId: '0193b000-0000-7000-8000-0000000000b2', booksUrl: branchUrl },
    rules,
    attempt,
  });

  beforeAll(async () => {
    ({ books, probe } = await harness.start());
    hoUrl = (await books.company(ho, 'HO Ltd', 40)).booksUrl;
    branchUrl = (await books.company(branch, 'Pune Branch', 0)).booksUrl;
  });
  afterAll(() => harness.stop());

  it('distributes the HO masters to the branch, object for object, with nothing from the books on Kafka', async () => {
    const [result] = await run([job('books.masters')]);
    expect(result).toMatchObject({ outcome: 'succeeded', errorCode: null, failedObjects: [] });
    const hoMasters = mastersOf(await books.objects(ho));
    expect(result.counts.created).toBe(hoMasters.length);
    expect(byGuid(mastersOf(await books.objects(branch)))).toEqual(byGuid(hoMasters));
    const applied = probe.appliedOf(result.jobId).flatMap((b) => b.objects);
    expect(applied.length).toBe(hoMasters.length);
    const kafka = JSON.stringify([probe.results, probe.applied]);
    for (const m of hoMasters.filter((o) => o.type.toUpperCase() === 'LEDGER')) {
      expect(kafka).not.toContain(String(m.name));
    }
  });

  it('consolidates branch vouchers at the HO, bringing a branch-only ledger and its group chain', async () => {
    await books.change(branch, {
      action: 'create',
      type: 'group',
      body: { name: 'Pune Region', parent: 'Sundry Debtors' },
    });
    await books.change(branch, {
      action: 'create',
      type: 'group',
      body: { name: 'Pune Debtors', parent: 'Pune Region' },
    });
    const ledger = await books.change(branch, {
      action: 'create',
      type: 'ledger',
      body: { name: 'Pune Traders', parent: 'Pune Debtors' },
    });
    await books.change(branch, {
      action: 'create',
      type: 'voucher',
      body: {
        voucherType: 'Sales',
        date: '20260110',
        voucherNumber: 'P-1',
        narration: 'Sold to Pune Traders',
        ledgerEntries: [
          { ledger: 'Pune Traders', amount: -1180 },
          { ledger: 'Sales - Local', amount: 1180 },
        ],
      },
    });
    await books.change(branch, { action: 'create', type: 'voucher' });
    await books.change(branch, { action: 'create', type: 'voucher' });

    const [result] = await run([job('books.transactions')]);
    expect(result).toMatchObject({ outcome: 'succeeded', failedObjects: [] });
    const branchVouchers = vouchersOf(await books.objects(branch));
    expect(branchVouchers.length).toBe(3);
    const hoAll = await books.objects(ho);
    const hoVouchers = byGuid(vouchersOf(hoAll));
    for (const v of branchVouchers) expect(hoVouchers.get(v.guid)).toEqual(content(v));
    const branchMasters = byGuid(mastersOf(await books.objects(branch)));
    const hoMasters = byGuid(mastersOf(hoAll));
    expect(hoMasters.get(ledger.guid)).toEqual(branchMasters.get(ledger.guid));
    for (const name of ['Pune Region', 'Pune Debtors']) {
      const group = [...branchMasters.values()].find((g) => g.name === name);
      expect(group).toBeDefined();
      expect(hoMasters.get(String(group?.guid))).toEqual(group);
    }
    // 3 vouchers, the ledger and its two groups.
    expect(result.counts.created).toBe(6);
  });

  it('a rename at the HO stays one object at the branch', async () => {
    const party = mastersOf(await books.objects(ho, 'ledger')).find((l) => l.gstin);
    const renamed = await books.change(ho, { action: 'rename', type: 'ledger', guid: party?.guid });
    const [result] = await run([job('books.masters')]);
    expect(result.outcome).toBe('succeeded');
    expect(result.counts.altered).toBeGreaterThanOrEqual(1);
    const ledgers = await books.objects(branch, 'ledger');
    expect(ledgers.filter((l) => l.guid === party?.guid).map((l) => l.name)).toEqual([renamed.name]);
    expect(ledgers.filter((l) => l.name === party?.name)).toEqual([]);
  });

  it('a voucher deleted at the branch is gone at the HO', async () => {
    const [victim] = vouchersOf(await books.objects(branch));
    await books.change(branch, { action: 'delete', type: 'voucher', guid: victim.guid });
    const [result] = await run([job('books.transactions')]);
    expect(result).toMatchObject({ outcome: 'succeeded', counts: { deleted: 1, errors: 0 } });
    expect((await books.objects(ho, 'voucher')).some((v) => v.guid === victim.guid)).toBe(false);
  });

  it('a second run with nothing changed moves nothing', async () => {
    // One settling run: the masters the HO received with the vouchers echo back to the branch as unchanged.
    await run([job('books.masters')]);
    const before = await books.objects(branch);
    const results = await run([job('books.masters'), job('books.transactions')]);
    for (const r of results) {
      expect(r).toMatchObject({ outcome: 'no_change', errorCode: null });
      expect(r.counts).toMatchObject({ created: 0, altered: 0, deleted: 0, errors: 0 });
    }
    expect(await books.objects(branch)).toEqual(before);
  });

  it('an offline receiver fails retryably, and nothing is applied twice once it is back', async () => {
    await books.change(branch, { action: 'create', type: 'voucher' });
    await books.change(branch, { action: 'create', type: 'voucher' });
    await books.offline(ho, true);
    const first = job('books.transactions');
    const [failed] = await run([first]);
    expect(failed).toMatchObject({ outcome: 'failed', errorCode: 'portal_unavailable', retryable: true });
    await books.offline(ho, false);
    const [retried] = await run([{ ...first, attempt: 2 }]);
    expect(retried).toMatchObject({ outcome: 'succeeded', counts: { created: 2, errors: 0 } });
    const hoVouchers = (await books.objects(ho, 'voucher')).map((v) => v.guid);
    expect(new Set(hoVouchers).size).toBe(hoVouchers.length);
    for (const v of vouchersOf(await books.objects(branch))) expect(hoVouchers).toContain(v.guid);
  });

  it('a refused object is reported by GUID and code on Kafka, its Tally error only on the internal API', async () => {
    await books.change(branch, {
      action: 'create',
      type: 'ledger',
      body: { name: 'Mehta Stores', parent: 'Sundry Debtors' },
    });
    const clash = await books.change(ho, {
      action: 'create',
      type: 'ledger',
      body: { name: 'Mehta Stores', parent: 'Sundry Debtors' },
    });
    const [result] = await run([job('books.masters')]);
    expect(result).toMatchObject({
      outcome: 'partial',
      counts: { errors: 1 },
      failedObjects: [{ guid: clash.guid, type: 'LEDGER', errorCode: 'duplicate_name' }],
    });
    expect(JSON.stringify(probe.resultsOf(result.jobId))).not.toContain('Mehta');
    const errors = await harness.get(`/jobs/${result.jobId}/object-errors`);
    expect(errors.body).toMatchObject({
      items: [
        {
          guid: clash.guid,
          type: 'LEDGER',
          errorCode: 'duplicate_name',
          message: expect.stringContaining('Mehta Stores'),
        },
      ],
    });
    expect((await harness.get(`/jobs/${result.jobId}/object-errors`, uuidv7())).body).toEqual({ items: [] });
    // The watermark stayed below it: the next run tries it again (and only it fails).
    const [again] = await run([job('books.masters')]);
    expect(again.failedObjects).toEqual(result.failedObjects);
  });
});

/**
 * One circuit breaker per books server origin: a branch whose books server is offline trips its own breaker,
 * and the links of companies on another server keep syncing in the same window. Each company's "server" is the
 * sandbox reached under its own host (four URL origins), as each branch's Tally has its own address.
 */
describe('connector-books with one branch offline', () => {
  const harness = new BooksHarness({
    migrate: (url) =>
      runServiceMigrations(
        connectorDatabaseOptions(CONNECTOR_BOOKS, loadConnectorBooksConfig({ DATABASE_URL: url })),
      ),
    connectorEnv: {
      RETRY_BASE_DELAY_MS: '20',
      BREAKER_VOLUME_THRESHOLD: '2',
      BREAKER_RESET_TIMEOUT_MS: '120000',
    },
  });
  const { run, firmId } = harness;
  let books: SandboxBooks;
  let connectorUrl = '';
  const key = (p: string) =>
    uniqueName(p)
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 60);
  const [hoA, brA, hoB, brB] = [key('hoa'), key('bra'), key('hob'), key('brb')];
  const urls = new Map<string, string>();
  const rules: BooksRule[] = [
    { id: uuidv7(), class: 'masters', types: [], direction: 'send', fromDate: null },
  ];
  const links = { a: uuidv7(), b: uuidv7() };
  /**
   * Each company's books server at its own URL origin: the sandbox under another loopback address or host
   * name (it listens on every address), as each branch's Tally has its own.
   */
  const HOSTS = ['127.0.0.1', '127.0.0.2', 'localhost', '127.0.0.3'];
  const ownOrigin = (booksUrl: string, i: number): string => {
    const url = new URL(booksUrl);
    url.hostname = HOSTS[i];
    return url.toString();
  };
  const job = (link: 'a' | 'b'): BooksJobRequested => ({
    jobId: uuidv7(),
    runId: uuidv7(),
    firmId,
    linkId: links[link],
    category: 'books.masters',
    client: { companyId: uuidv7(), booksUrl: String(urls.get(link === 'a' ? hoA : hoB)) },
    server: { companyId: uuidv7(), booksUrl: String(urls.get(link === 'a' ? brA : brB)) },
    rules,
    attempt: 1,
  });
  const breakerGauges = async (): Promise<string> =>
    (await (await fetch(`${connectorUrl}/metrics`)).text())
      .split('\n')
      .filter((l) => l.startsWith('connector_breaker'))
      .join('\n');

  beforeAll(async () => {
    let connector: { url: string };
    ({ books, connector } = await harness.start());
    connectorUrl = connector.url;
    for (const [i, k] of [hoA, brA, hoB, brB].entries()) {
      const { booksUrl } = await books.company(k, `Books ${k}`, i % 2 === 0 ? 5 : 0);
      urls.set(k, ownOrigin(booksUrl, i));
    }
    expect(new Set([...urls.values()].map((u) => new URL(u).origin)).size).toBe(4);
  });
  afterAll(() => harness.stop());

  it("an offline branch's jobs fail and open only its server's breaker; another server's links still sync", async () => {
    await books.offline(brA, true);
    const first = await run([job('a'), job('a'), job('a'), job('b')]);
    // Staff read which books server failed by the address the firm entered: no company id, no undici code.
    const offlineHost = new URL(String(urls.get(brA))).host;
    for (const r of first.slice(0, 3)) {
      expect(r).toMatchObject({ outcome: 'failed', errorCode: 'portal_unavailable', retryable: true });
      expect(r.errorMessage).toContain(`he books server at ${offlineHost} `);
      expect(r.errorMessage).not.toMatch(/UND_ERR|ECONN|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/i);
    }
    expect(first[3]).toMatchObject({ outcome: 'succeeded', errorCode: null });
    expect(await breakerGauges()).toMatch(/connector_breakers\{portal="books",state="open"[^}]*\} 1/);

    // In the same window, with A's circuit open: A fails fast, B keeps syncing (a change made meanwhile).
    await books.change(hoB, {
      action: 'create',
      type: 'ledger',
      body: { name: 'Nagpur Agencies', parent: 'Sundry Debtors' },
    });
    const [a, b] = await run([job('a'), job('b')]);
    expect(a).toMatchObject({ outcome: 'failed', errorCode: 'portal_unavailable' });
    expect(a.errorMessage).toContain('circuit open');
    expect(a.errorMessage).toContain(`the books server at ${offlineHost} is failing`);
    expect(b).toMatchObject({ outcome: 'succeeded', counts: { created: 1, errors: 0 } });
    const gauges = await breakerGauges();
    expect(gauges).toMatch(/connector_breakers\{portal="books",state="open"[^}]*\} 1/);
    expect(gauges).toMatch(/connector_breakers\{portal="books",state="closed"[^}]*\} 3/);
    expect(gauges).not.toMatch(/127\.0\.0\.1|localhost/);
  });
});
