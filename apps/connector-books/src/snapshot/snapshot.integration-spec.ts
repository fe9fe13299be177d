import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import type { BooksCategory, BooksJobRequested, BooksRule } from '@practice-sync/contracts';
import { runServiceMigrations } from '@practice-sync/persistence';
import type { BooksProbe, SandboxBooks, SandboxBooksObject } from '@practice-sync/testing';
import { BooksHarness, uniqueName } from '@practice-sync/testing';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';

import { CONNECTOR_BOOKS, loadConnectorBooksConfig } from '../config/connector-books.config';

jest.setTimeout(300_000);

const LOCAL_IDS = ['masterId', 'voucherId', 'alterId'];
const content = (o: SandboxBooksObject): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !LOCAL_IDS.includes(k)));
/** A company's own books (not the predefined groups), by GUID, without the ids local to each company. */
const ownBooks = (objects: SandboxBooksObject[]): Map<string, Record<string, unknown>> =>
  new Map(objects.filter((o) => !o.reserved).map((o) => [o.guid, content(o)]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const key = (p: string) =>
  uniqueName(p)
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 60);

interface ChunkRow {
  chunk_index: number;
  sent: number;
  acknowledged: boolean;
  payload: string | null;
}

/**
 * books.snapshot as connector-books runs it: a process against sandbox books servers, real Kafka and
 * PostgreSQL. The link's server company is the HO (its books are copied), its client a new branch.
 */
describe('connector-books snapshots', () => {
  const harness = new BooksHarness({
    migrate: (url) =>
      runServiceMigrations(
        connectorDatabaseOptions(CONNECTOR_BOOKS, loadConnectorBooksConfig({ DATABASE_URL: url })),
      ),
    connectorEnv: {
      RETRY_BASE_DELAY_MS: '20',
      BOOKS_SNAPSHOT_CHUNK_SIZE: '4',
      BOOKS_EXPORT_WINDOW: '60',
      JOB_LEASE_MS: '3000',
    },
  });
  const { run, firmId } = harness;
  let books: SandboxBooks;
  let probe: BooksProbe;
  let db: Client;
  const [ho, branch, busy] = [key('sho'), key('sbr'), key('sbusy')];
  const urls = new Map<string, string>();
  const linkId = uuidv7();
  const rules: BooksRule[] = [
    { id: uuidv7(), class: 'masters', types: [], direction: 'both', fromDate: null },
    { id: uuidv7(), class: 'transactions', types: [], direction: 'both', fromDate: null },
  ];
  const job = (
    category: BooksCategory,
    client = branch,
    snapshot?: { replace: boolean },
  ): BooksJobRequested => ({
    jobId: uuidv7(),
    runId: uuidv7(),
    firmId,
    linkId,
    category,
    client: { companyId: '0193b000-0000-7000-8000-0000000000c1', booksUrl: String(urls.get(client)) },
    server: { companyId: '0193b000-0000-7000-8000-0000000000c2', booksUrl: String(urls.get(ho)) },
    rules,
    ...(snapshot ? { snapshot } : {}),
    attempt: 1,
  });
  const chunks = async (jobId: string): Promise<ChunkRow[]> =>
    (
      await db.query<ChunkRow>(
        `SELECT chunk_index, sent, acknowledged_at IS NOT NULL AS acknowledged, payload
           FROM connector_books.books_snapshot_chunks WHERE job_id = $1 ORDER BY chunk_index`,
        [jobId],
      )
    ).rows;

  beforeAll(async () => {
    ({ books, probe } = await harness.start());
    for (const [k, vouchers] of [
      [ho, 160],
      [branch, 0],
      [busy, 3],
    ] as const) {
      urls.set(k, (await books.company(k, `Books ${k}`, vouchers)).booksUrl);
    }
    db = new Client({ connectionString: harness.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await harness.stop();
  });

  it('refuses a receiver whose books are not empty without replace, naming the field and the fix; nothing moves', async () => {
    const before = await books.objects(busy);
    const [result] = await run([job('books.snapshot', busy)]);
    expect(result).toMatchObject({
      outcome: 'failed',
      errorCode: 'books_not_empty',
      retryable: false,
      counts: { created: 0, altered: 0, deleted: 0 },
    });
    expect(result.errorMessage).toMatch(/^replace: the books of the client company .* are not empty/);
    expect(result.errorMessage).toContain('{ "replace": true }');
    expect(await books.objects(busy)).toEqual(before);
  });

  it('copies the HO to an empty branch in acknowledged chunks; killed halfway it resumes without re-sending acknowledged chunks', async () => {
    const snapshot = job('books.snapshot');
    await probe.publish(firmId, [snapshot]);
    // Wait until about half the chunks are acknowledged, then SIGKILL connector-books.
    let seen: ChunkRow[] = [];
    for (let i = 0; i < 3000; i++) {
      seen = await chunks(snapshot.jobId);
      const acked = seen.filter((c) => c.acknowledged).length;
      if (seen.length > 0 && acked >= seen.length / 2) break;
      await sleep(5);
    }
    await harness.killConnector();
    const atKill = await chunks(snapshot.jobId);
    const ackedAtKill = atKill.filter((c) => c.acknowledged).map((c) => c.chunk_index);
    expect(ackedAtKill.length).toBeGreaterThan(0);
    expect(ackedAtKill.length).toBeLessThan(atKill.length);
    // Staged chunks are sealed at rest: nothing from the books in the table.
    const hoLedgers = (await books.objects(ho, 'ledger'))
      .filter((l) => !l.reserved)
      .map((l) => String(l.name));
    const staged = atKill.filter((c) => c.payload !== null);
    expect(staged.length).toBeGreaterThan(0);
    for (const c of staged) {
      expect(c.payload).toMatch(/^v1\.[^.]+\./);
      for (const name of hoLedgers) expect(c.payload).not.toContain(name);
    }

    await harness.restartConnector();
    const [result] = await probe.waitForResults([snapshot]);
    expect(result).toMatchObject({ outcome: 'succeeded', errorCode: null, failedObjects: [] });
    expect(result.snapshot).toMatchObject({ total: atKill.length, acknowledged: atKill.length });
    expect(result.snapshot?.resumedFrom).toBe(ackedAtKill.length);
    expect(result.snapshot?.sent).toBe(atKill.length - ackedAtKill.length);
    expect(result.snapshot?.resent).toBeLessThanOrEqual(1);
    const after = await chunks(snapshot.jobId);
    // Every chunk acknowledged before the kill was sent exactly once, and every chunk at most twice.
    for (const c of after) {
      expect(c.acknowledged).toBe(true);
      expect(c.payload).toBeNull();
      expect(c.sent).toBe(ackedAtKill.includes(c.chunk_index) ? 1 : c.sent);
      expect(c.sent).toBeLessThanOrEqual(2);
    }
    expect(after.filter((c) => c.sent === 2).length).toBe(result.snapshot?.resent);

    // The branch equals the HO object for object (GUID and content).
    expect(ownBooks(await books.objects(branch))).toEqual(ownBooks(await books.objects(ho)));
    expect(JSON.stringify(probe.resultsOf(snapshot.jobId))).not.toContain(hoLedgers[0]);
  });

  it('then incremental sync moves only what changed since the snapshot, and echoes nothing back', async () => {
    const [voucher] = (await books.objects(ho, 'voucher')).slice(-1);
    await books.change(ho, { action: 'alter', type: 'voucher', guid: voucher.guid });
    await books.change(ho, { action: 'create', type: 'voucher' });
    const [masters, transactions] = await run([job('books.masters'), job('books.transactions')]);
    expect(masters).toMatchObject({ outcome: 'no_change', counts: { created: 0, altered: 0, errors: 0 } });
    expect(transactions).toMatchObject({ counts: { created: 1, altered: 1, deleted: 0, errors: 0 } });
    expect(ownBooks(await books.objects(branch))).toEqual(ownBooks(await books.objects(ho)));
  });

  it('with replace: true imports over a non-empty receiver, deleting nothing of its own', async () => {
    const before = ownBooks(await books.objects(busy));
    const [result] = await run([job('books.snapshot', busy, { replace: true })]);
    expect(result).toMatchObject({ errorCode: null });
    const after = ownBooks(await books.objects(busy));
    for (const guid of before.keys()) expect(after.has(guid)).toBe(true);
    for (const [guid, o] of ownBooks(await books.objects(ho))) {
      if (o.type === 'voucher' || o.type === 'VOUCHER') expect(after.get(guid)).toEqual(o);
    }
  });
});
