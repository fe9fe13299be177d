import type { StackHandle } from '@practice-sync/testing';
import { SandboxBooks, startStack } from '@practice-sync/testing';

import type { LinkJob } from './books-world';
import { bookKey, BooksWorld, content as comparable } from './books-world';
import type { Answer } from './gateway-http';
import { call } from './gateway-http';

/**
 * Branch sync conflicts on the real stack through the public API: a branch (the link's client) and its HO (the
 * server) share masters and vouchers both ways. Ledgers altered at both ends between runs are queued (each end
 * keeps its own), the run log counts them, a person resolves one keeping the HO's version and one with a merged
 * body (both ends then hold the resolution), the next run is clean, and a second resolution is a 409.
 */
interface Version {
  companyId: string;
  alterId: number;
  fields: Record<string, unknown>;
}
interface Conflict {
  id: string;
  linkId: string;
  guid: string;
  type: string;
  status: string;
  client: Version;
  server: Version;
  resolution: string | null;
  resolvedBy: string | null;
}

/** An object as compared across companies: without the ids local to each company, nor Tally's import outcome. */
const content: typeof comparable = (o) => comparable(o, ['outcome']);

describe('branch sync conflicts: queued, counted, resolved both ways, then a clean run', () => {
  /** The two HO ledgers the conflicts are made on (created in beforeAll). */
  const partyGuids: string[] = [];
  let stack: StackHandle;
  let books: SandboxBooks;
  const keys = { admin: '', operator: '', viewer: '' };
  const api = (method: string, path: string, body?: unknown, key = keys.admin): Promise<Answer> =>
    call(stack.gatewayUrl, method, path, { key, body });
  let world: BooksWorld;
  const ho = bookKey('cf-ho');
  const branch = bookKey('cf-pune');
  let linkId = '';
  const ids = { ho: '', branch: '' };

  /** Runs the link's two classes to the end; its jobs by category. */
  const runLink = (): Promise<Map<string, LinkJob>> => world.runLink(linkId);

  const ledgerAt = async (key: string, guid: string) =>
    (await books.objects(key, 'ledger')).find((l) => l.guid === guid);

  async function openConflicts(key = keys.viewer): Promise<Conflict[]> {
    const res = await api('GET', `/v1/branch-links/${linkId}/conflicts?limit=10`, undefined, key);
    expect(res.status).toBe(200);
    return (res.body as unknown as { items: Conflict[] }).items;
  }

  beforeAll(async () => {
    stack = await startStack({
      services: ['portal-sandbox', 'client-master', 'sync-orchestrator', 'connector-books', 'gateway'],
    });
    books = new SandboxBooks(stack.sandboxUrl);
    const firm = await stack.createFirmWithAdmin('Conflict Books Associates');
    keys.admin = firm.adminApiKey;
    for (const role of ['operator', 'viewer'] as const) {
      const made = await api('POST', `/v1/firms/${firm.firmId}/api-keys`, { name: role, role });
      expect(made.status).toBe(201);
      keys[role] = (made.body as { key: string }).key;
    }
    world = new BooksWorld(stack.gatewayUrl, keys.admin, books);
    ids.ho = await world.company(ho, 'Mehta Traders HO', 'head_office', 6);
    // The two parties the conflicts are made on, made here rather than picked from the generated books (whose
    // number of parties varies with the company's key: one CI run found a single one).
    for (const name of ['Kothari Agencies', 'Balaji Textiles'])
      partyGuids.push(
        (
          await books.change(ho, {
            action: 'create',
            type: 'ledger',
            body: { name, parent: 'Sundry Debtors' },
          })
        ).guid,
      );
    ids.branch = await world.company(branch, 'Mehta Traders Pune', 'branch', 0);
    linkId = (
      await world.link(ids.branch, ids.ho, {
        rules: [
          { class: 'masters', direction: 'both' },
          { class: 'transactions', direction: 'both' },
        ],
      })
    ).id;
    // The branch takes the HO's books; the run after it moves nothing (our own imports are no change).
    const first = await runLink();
    expect(first.get('books.masters')).toMatchObject({ outcome: 'succeeded' });
    const settled = await runLink();
    for (const job of settled.values())
      expect(job).toMatchObject({ outcome: 'no_change', counts: expect.objectContaining({ conflicts: 0 }) });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  let kept: Conflict;
  let merged: Conflict;

  it('ledgers altered at the HO and at the branch between runs are queued, overwritten at neither end, counted', async () => {
    const [a, b] = partyGuids;
    const hoA = await books.change(ho, {
      action: 'alter',
      type: 'ledger',
      guid: a,
      body: { openingBalance: -1500 },
    });
    const brA = await books.change(branch, {
      action: 'rename',
      type: 'ledger',
      guid: a,
      body: { name: 'Pune Renamed' },
    });
    const hoB = await books.change(ho, {
      action: 'alter',
      type: 'ledger',
      guid: b,
      body: { openingBalance: -2500 },
    });
    const brB = await books.change(branch, {
      action: 'alter',
      type: 'ledger',
      guid: b,
      body: { openingBalance: -3500 },
    });

    const jobs = await runLink();
    const masters = jobs.get('books.masters') as LinkJob;
    expect(masters).toMatchObject({
      outcome: 'partial',
      counts: expect.objectContaining({ conflicts: 2, created: 0, altered: 0, errors: 0 }),
    });
    expect(jobs.get('books.transactions')).toMatchObject({ outcome: 'no_change' });
    for (const [key, own] of [
      [ho, hoA],
      [ho, hoB],
      [branch, brA],
      [branch, brB],
    ] as const)
      expect(content(await ledgerAt(key, own.guid))).toEqual(content(own));

    const open = await openConflicts();
    expect(open).toHaveLength(2);
    for (const c of open) expect(masters.errorMessage).toContain(c.id);
    // Nothing from the books in the run log's message.
    for (const name of [String(hoA.name), 'Pune Renamed', '1500'])
      expect(masters.errorMessage).not.toContain(name);
    kept = open.find((c) => c.guid === a) as Conflict;
    merged = open.find((c) => c.guid === b) as Conflict;
    expect(kept).toMatchObject({
      type: 'LEDGER',
      status: 'open',
      client: { companyId: ids.branch, fields: { NAME: 'Pune Renamed' } },
      server: { companyId: ids.ho, fields: { NAME: hoA.name, OPENINGBALANCE: '-1500.00' } },
    });
    expect(
      (await api('GET', `/v1/branch-conflicts/${merged.id}`, undefined, keys.viewer)).body,
    ).toMatchObject({
      id: merged.id,
      client: { fields: { OPENINGBALANCE: '-3500.00' } },
      server: { fields: { OPENINGBALANCE: '-2500.00' } },
    });
  });

  it('resolved keeping the HO’s version and with a merged body: both ends hold the resolution', async () => {
    const byViewer = await api(
      'POST',
      `/v1/branch-conflicts/${kept.id}/resolve`,
      { keep: 'server' },
      keys.viewer,
    );
    expect(byViewer.status).toBe(403);
    const invalid = await api(
      'POST',
      `/v1/branch-conflicts/${merged.id}/resolve`,
      { body: { ...merged.client.fields, OPENINGBALANCE: 'three thousand' } },
      keys.operator,
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ field: 'body.OPENINGBALANCE' })]);

    const keep = await api(
      'POST',
      `/v1/branch-conflicts/${kept.id}/resolve`,
      { keep: 'server' },
      keys.operator,
    );
    expect(keep).toMatchObject({ status: 200, body: { status: 'resolved', resolution: 'server' } });
    expect(String(keep.body.resolvedBy)).toMatch(/^api-key:/);
    const atHo = await ledgerAt(ho, kept.guid);
    expect(atHo?.name).toBe(kept.server.fields.NAME);
    expect(content(await ledgerAt(branch, kept.guid))).toEqual(content(atHo));

    const merge = await api(
      'POST',
      `/v1/branch-conflicts/${merged.id}/resolve`,
      { body: { ...merged.client.fields, OPENINGBALANCE: '-3000.00' } },
      keys.operator,
    );
    expect(merge).toMatchObject({ status: 200, body: { status: 'resolved', resolution: 'body' } });
    const mergedAtHo = await ledgerAt(ho, merged.guid);
    expect(mergedAtHo?.openingBalance).toBe(-3000);
    expect(content(await ledgerAt(branch, merged.guid))).toEqual(content(mergedAtHo));
  });

  it('the next run is clean (no conflicts, nothing moved); resolving again is a 409', async () => {
    const before = { ho: await books.objects(ho), branch: await books.objects(branch) };
    const jobs = await runLink();
    for (const job of jobs.values())
      expect(job).toMatchObject({
        outcome: 'no_change',
        counts: expect.objectContaining({ created: 0, altered: 0, deleted: 0, conflicts: 0, errors: 0 }),
      });
    expect(await books.objects(ho)).toEqual(before.ho);
    expect(await books.objects(branch)).toEqual(before.branch);
    expect(await openConflicts()).toEqual([]);

    const twice = await api(
      'POST',
      `/v1/branch-conflicts/${kept.id}/resolve`,
      { keep: 'client' },
      keys.operator,
    );
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({
      type: expect.stringContaining('conflict-already-resolved'),
      conflictId: kept.id,
      resolution: 'server',
    });
    expect((await ledgerAt(branch, kept.guid))?.name).toBe(kept.server.fields.NAME);
    expect(
      (await api('POST', `/v1/branch-conflicts/${linkId}/resolve`, { keep: 'client' }, keys.operator)).status,
    ).toBe(404);
  });
});
