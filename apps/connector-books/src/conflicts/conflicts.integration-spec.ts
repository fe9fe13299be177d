import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import type { BooksCategory, BooksJobRequested, BooksRule } from '@practice-sync/contracts';
import { runServiceMigrations } from '@practice-sync/persistence';
import type { SandboxBooks, SandboxBooksObject } from '@practice-sync/testing';
import { BooksHarness, uniqueName } from '@practice-sync/testing';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';

import { CONNECTOR_BOOKS, loadConnectorBooksConfig } from '../config/connector-books.config';

jest.setTimeout(240_000);

/** Compared without the ids local to each company (and the control call's `outcome`). */
const LOCAL_IDS = ['masterId', 'voucherId', 'alterId', 'outcome'];
const content = (o: SandboxBooksObject | undefined): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => !LOCAL_IDS.includes(k)));

interface Version {
  companyId: string;
  alterId: number;
  deleted: boolean;
  fields: Record<string, unknown> | null;
}
interface Conflict {
  id: string;
  guid: string;
  type: string;
  status: string;
  client: Version;
  server: Version;
  resolution: string | null;
  resolvedBy: string | null;
}

/**
 * The conflict queue against two sandbox books servers, real Kafka and PostgreSQL: the link's client is the HO,
 * its server the branch, and both classes move both ways.
 */
describe('connector-books conflicts: altered at both ends since the last sync', () => {
  const harness = new BooksHarness({
    migrate: (url) =>
      runServiceMigrations(
        connectorDatabaseOptions(CONNECTOR_BOOKS, loadConnectorBooksConfig({ DATABASE_URL: url })),
      ),
    connectorEnv: { RETRY_BASE_DELAY_MS: '20', RETRY_MAX_ATTEMPTS: '2' },
  });
  const { run, firmId } = harness;
  let books: SandboxBooks;
  const key = (p: string) =>
    uniqueName(p)
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 60);
  const ho = key('cho');
  const branch = key('cbr');
  const linkId = uuidv7();
  const urls = { ho: '', branch: '' };
  const companies = { ho: uuidv7(), branch: uuidv7() };
  const rules: BooksRule[] = [
    { id: uuidv7(), class: 'masters', types: [], direction: 'both', fromDate: null },
    { id: uuidv7(), class: 'transactions', types: [], direction: 'both', fromDate: null },
  ];
  const job = (category: BooksCategory): BooksJobRequested => ({
    jobId: uuidv7(),
    runId: uuidv7(),
    firmId,
    linkId,
    category,
    client: { companyId: companies.ho, booksUrl: urls.ho },
    server: { companyId: companies.branch, booksUrl: urls.branch },
    rules,
    attempt: 1,
  });
  const objectAt = async (company: string, type: string, guid: string) =>
    (await books.objects(company, type)).find((o) => o.guid === guid);
  const openConflicts = async (): Promise<Conflict[]> => {
    const res = await harness.get(`/branch-links/${linkId}/conflicts`);
    expect(res.status).toBe(200);
    return (res.body as { items: Conflict[] }).items;
  };
  const resolve = (id: string, body: unknown) =>
    harness.post(`/branch-conflicts/${id}/resolve`, { ...(body as object), resolvedBy: 'user:tester' });

  beforeAll(async () => {
    ({ books } = await harness.start());
    urls.ho = (await books.company(ho, 'Conflict HO Ltd', 12)).booksUrl;
    urls.branch = (await books.company(branch, 'Conflict Branch', 0)).booksUrl;
    // The branch gets the HO's books; a settling run each (the echoes of our imports are recognised).
    for (const category of ['books.masters', 'books.transactions'] as const) {
      const [first] = await run([job(category)]);
      expect(first).toMatchObject({ outcome: 'succeeded', counts: { conflicts: 0, errors: 0 } });
    }
  });
  afterAll(() => harness.stop());

  it('after a sync, a run with nothing changed moves nothing either way (no echo of our own imports)', async () => {
    const results = await run([job('books.masters'), job('books.transactions')]);
    for (const r of results) {
      expect(r).toMatchObject({ outcome: 'no_change', errorMessage: null });
      expect(r.counts).toEqual({
        created: 0,
        altered: 0,
        deleted: 0,
        unchanged: 0,
        held: 0,
        conflicts: 0,
        errors: 0,
      });
    }
  });

  let ledgerGuid = '';
  let conflictId = '';

  it('a ledger altered at the HO and at the branch is queued with both versions, overwritten at neither end', async () => {
    const ledger = (await books.objects(ho, 'ledger')).find((l) => l.gstin) as SandboxBooksObject;
    ledgerGuid = ledger.guid;
    const atHo = await books.change(ho, {
      action: 'alter',
      type: 'ledger',
      guid: ledgerGuid,
      body: { openingBalance: -4321 },
    });
    const atBranch = await books.change(branch, {
      action: 'rename',
      type: 'ledger',
      guid: ledgerGuid,
      body: { name: 'Branch Named Traders' },
    });
    // Another ledger altered at the HO only still travels.
    const other = (await books.objects(ho, 'ledger')).find((l) => l.gstin && l.guid !== ledgerGuid);
    await books.change(ho, {
      action: 'alter',
      type: 'ledger',
      guid: other?.guid,
      body: { openingBalance: -77 },
    });

    const [result] = await run([job('books.masters')]);
    expect(result).toMatchObject({ outcome: 'partial', counts: { conflicts: 1, errors: 0 } });
    expect(result.counts.altered).toBe(1);
    expect(content(await objectAt(ho, 'ledger', ledgerGuid))).toEqual(content(atHo));
    expect(content(await objectAt(branch, 'ledger', ledgerGuid))).toEqual(content(atBranch));
    expect(content(await objectAt(branch, 'ledger', String(other?.guid)))).toEqual(
      content(await objectAt(ho, 'ledger', String(other?.guid))),
    );

    const [conflict] = await openConflicts();
    conflictId = conflict.id;
    expect(result.errorMessage).toContain(conflictId);
    expect(result.errorMessage).not.toContain('Branch Named');
    expect(conflict).toMatchObject({
      guid: ledgerGuid,
      type: 'LEDGER',
      status: 'open',
      client: { companyId: companies.ho, fields: { NAME: atHo.name, OPENINGBALANCE: '-4321.00' } },
      server: { companyId: companies.branch, fields: { NAME: 'Branch Named Traders' } },
    });
    // At rest the versions are sealed: no name, GSTIN or amount in the row.
    const db = new Client({ connectionString: harness.databaseUrl });
    await db.connect();
    try {
      const rows = (await db.query('SELECT * FROM connector_books.books_conflicts')).rows as Record<
        string,
        unknown
      >[];
      expect(rows).toHaveLength(1);
      const raw = JSON.stringify(rows);
      for (const plain of ['Branch Named', String(atHo.name), String(atHo.gstin), '4321'])
        expect(raw).not.toContain(plain);
      expect(rows[0].key_id).toBe('dev');
      expect(String(rows[0].client_version)).toMatch(/^v1\.dev\./);
    } finally {
      await db.end();
    }
  });

  it('a run with nothing newer counts nothing; a newer change refreshes the one open conflict', async () => {
    const [quiet] = await run([job('books.masters')]);
    expect(quiet).toMatchObject({ outcome: 'no_change', counts: { conflicts: 0 } });
    await books.change(ho, {
      action: 'alter',
      type: 'ledger',
      guid: ledgerGuid,
      body: { openingBalance: -5555 },
    });
    const [again] = await run([job('books.masters')]);
    expect(again).toMatchObject({ outcome: 'partial', counts: { conflicts: 1, altered: 0 } });
    const open = await openConflicts();
    expect(open.map((c) => c.id)).toEqual([conflictId]);
    expect(open[0].client.fields?.OPENINGBALANCE).toBe('-5555.00');
    expect((await objectAt(branch, 'ledger', ledgerGuid))?.name).toBe('Branch Named Traders');
  });

  it('keep server: both ends hold the branch’s version; the next run is clean; resolving again is a 409', async () => {
    const bad = await resolve(conflictId, { keep: 'both' });
    expect(bad.status).toBe(400);
    expect(await resolve(uuidv7(), { keep: 'server' })).toMatchObject({ status: 404 });
    const resolved = await resolve(conflictId, { keep: 'server' });
    expect(resolved).toMatchObject({
      status: 200,
      body: { id: conflictId, status: 'resolved', resolution: 'server', resolvedBy: 'user:tester' },
    });
    const atBranch = await objectAt(branch, 'ledger', ledgerGuid);
    expect(atBranch?.name).toBe('Branch Named Traders');
    expect(content(await objectAt(ho, 'ledger', ledgerGuid))).toEqual(content(atBranch));

    const results = await run([job('books.masters'), job('books.transactions')]);
    for (const r of results)
      expect(r).toMatchObject({
        outcome: 'no_change',
        counts: { created: 0, altered: 0, deleted: 0, conflicts: 0, errors: 0 },
      });
    expect(await openConflicts()).toEqual([]);
    expect(content(await objectAt(ho, 'ledger', ledgerGuid))).toEqual(content(atBranch));

    const twice = await resolve(conflictId, { keep: 'client' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({
      type: expect.stringContaining('conflict-already-resolved'),
      conflictId,
      resolution: 'server',
    });
    expect((await objectAt(ho, 'ledger', ledgerGuid))?.name).toBe('Branch Named Traders');
  });

  it('a voucher altered at both ends: resolved with a merged body checked against the type, equal at both ends', async () => {
    const [voucher] = (await books.objects(branch, 'voucher')).filter((v) => v.narration);
    await books.change(ho, {
      action: 'alter',
      type: 'voucher',
      guid: voucher.guid,
      body: { narration: 'HO note' },
    });
    await books.change(branch, {
      action: 'alter',
      type: 'voucher',
      guid: voucher.guid,
      body: { narration: 'Branch note' },
    });
    const [result] = await run([job('books.transactions')]);
    expect(result).toMatchObject({ outcome: 'partial', counts: { conflicts: 1, altered: 0 } });
    const [conflict] = await openConflicts();
    expect(conflict).toMatchObject({ type: 'VOUCHER', guid: voucher.guid });
    expect(conflict.client.fields?.NARRATION).toBe('HO note');
    expect(conflict.server.fields?.NARRATION).toBe('Branch note');

    const invalid = await resolve(conflict.id, {
      body: { ...conflict.server.fields, DATE: '2026-01-10', COLOUR: 'red' },
    });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body)).toContain('body.DATE');
    expect(JSON.stringify(invalid.body)).toContain('body.COLOUR');
    expect((await openConflicts()).map((c) => c.id)).toEqual([conflict.id]);

    const merged = await resolve(conflict.id, {
      body: { ...conflict.server.fields, NARRATION: 'HO note; Branch note' },
    });
    expect(merged).toMatchObject({ status: 200, body: { status: 'resolved', resolution: 'body' } });
    const atHo = await objectAt(ho, 'voucher', voucher.guid);
    expect(atHo?.narration).toBe('HO note; Branch note');
    expect(content(await objectAt(branch, 'voucher', voucher.guid))).toEqual(content(atHo));
    const [next] = await run([job('books.transactions')]);
    expect(next).toMatchObject({ outcome: 'no_change', counts: { altered: 0, created: 0, conflicts: 0 } });
  });

  it('a books server unreachable during a resolution: 503, the conflict stays open, then it resolves', async () => {
    const ledger = (await books.objects(ho, 'ledger')).find((l) => l.gstin && l.guid !== ledgerGuid);
    const guid = String(ledger?.guid);
    await books.change(ho, { action: 'alter', type: 'ledger', guid, body: { openingBalance: -1111 } });
    await books.change(branch, { action: 'alter', type: 'ledger', guid, body: { openingBalance: -2222 } });
    const [result] = await run([job('books.masters')]);
    expect(result.counts.conflicts).toBe(1);
    const [conflict] = await openConflicts();
    await books.offline(branch, true);
    try {
      const down = await resolve(conflict.id, { keep: 'client' });
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({
        type: expect.stringContaining('books-unreachable'),
        companyId: companies.branch,
      });
    } finally {
      await books.offline(branch, false);
    }
    expect((await openConflicts()).map((c) => c.id)).toEqual([conflict.id]);
    expect((await objectAt(branch, 'ledger', guid))?.openingBalance).toBe(-2222);
    const up = await resolve(conflict.id, { keep: 'client' });
    expect(up.status).toBe(200);
    expect((await objectAt(branch, 'ledger', guid))?.openingBalance).toBe(-1111);
  });

  it('a ledger deleted at the HO and altered at the branch is queued, not deleted; kept, it is back at the HO', async () => {
    const made = await books.change(ho, {
      action: 'create',
      type: 'ledger',
      body: { name: 'Short Lived Traders', parent: 'Sundry Debtors' },
    });
    const [created] = await run([job('books.masters')]);
    expect(created).toMatchObject({ counts: { created: 1, conflicts: 0 } });
    await books.change(ho, { action: 'delete', type: 'ledger', guid: made.guid });
    const edited = await books.change(branch, {
      action: 'alter',
      type: 'ledger',
      guid: made.guid,
      body: { openingBalance: -999 },
    });
    const [result] = await run([job('books.masters')]);
    expect(result).toMatchObject({ outcome: 'partial', counts: { conflicts: 1, deleted: 0 } });
    expect(content(await objectAt(branch, 'ledger', made.guid))).toEqual(content(edited));
    const conflict = (await openConflicts()).find((c) => c.guid === made.guid) as Conflict;
    expect(conflict).toMatchObject({
      client: { deleted: true, fields: null },
      server: { deleted: false, fields: { NAME: 'Short Lived Traders', OPENINGBALANCE: '-999.00' } },
    });
    const kept = await resolve(conflict.id, { keep: 'server' });
    expect(kept).toMatchObject({ status: 200, body: { resolution: 'server' } });
    expect(content(await objectAt(ho, 'ledger', made.guid))).toEqual(content(edited));
    const [next] = await run([job('books.masters')]);
    expect(next).toMatchObject({ counts: { created: 0, altered: 0, deleted: 0, conflicts: 0 } });
  });

  it('vouchers naming a ledger renamed at the branch: altered and deleted at the HO afterwards, applied, not queued', async () => {
    // The rename changes how the branch's copies read, not their ALTERIDs: nobody edited them there.
    const names = (v: SandboxBooksObject): string[] => [
      ...new Set([
        ...(v.partyLedger ? [String(v.partyLedger)] : []),
        ...(v.ledgerEntries as { ledger: string }[]).map((e) => e.ledger),
      ]),
    ];
    const vouchers = await books.objects(branch, 'voucher');
    const ledgers = (await books.objects(branch, 'ledger')).filter((l) => !l.reserved);
    const target = ledgers.find((l) => vouchers.filter((v) => names(v).includes(String(l.name))).length >= 2);
    expect(target).toBeDefined();
    const [first, second] = vouchers.filter((v) => names(v).includes(String(target?.name)));
    const renamed = await books.change(branch, { action: 'rename', type: 'ledger', guid: target?.guid });
    const [masters] = await run([job('books.masters')]);
    expect(masters).toMatchObject({ counts: { altered: 1, conflicts: 0, errors: 0 } });
    // Both ends' copies read the new name; the branch's kept its ALTERID.
    const atBranch = (await objectAt(branch, 'voucher', first.guid)) as SandboxBooksObject;
    expect(atBranch.alterId).toBe(first.alterId);
    expect(names(atBranch)).toContain(renamed.name);
    expect(names((await objectAt(ho, 'voucher', first.guid)) as SandboxBooksObject)).toContain(renamed.name);

    const altered = await books.change(ho, {
      action: 'alter',
      type: 'voucher',
      guid: first.guid,
      body: { narration: 'Altered at the HO after the rename' },
    });
    await books.change(ho, { action: 'delete', type: 'voucher', guid: second.guid });
    const [result] = await run([job('books.transactions')]);
    expect(result).toMatchObject({ counts: { altered: 1, deleted: 1, conflicts: 0, errors: 0 } });
    expect(content(await objectAt(branch, 'voucher', first.guid))).toEqual(content(altered));
    expect(await objectAt(branch, 'voucher', second.guid)).toBeUndefined();
    expect(await openConflicts()).toEqual([]);
  });
});
