import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { runServiceMigrations } from '@practice-sync/persistence';
import { callJson, testInfra } from '@practice-sync/testing';
import { v7 as uuidv7 } from 'uuid';

import { AppModule } from '../app.module';
import { clientMasterDataSourceOptions } from '../client-master-data-source';
import { loadClientMasterConfig } from '../config/client-master.config';
import { configureApp } from '../configure-app';

interface Company {
  id: string;
  name: string;
  role: string;
  booksUrl: string;
  clientId: string | null;
}
interface Rule {
  id: string;
  class: string;
  types: string[];
  direction: string;
  fromDate: string | null;
  status: string;
  reason: string | null;
}
interface Link {
  id: string;
  clientCompanyId: string;
  serverCompanyId: string;
  mode: string;
  rules: Rule[];
  state: string;
  held: { count: number; oldestAt: string | null };
  lastSyncAt: string | null;
  error: string | null;
}
interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
  links?: string[];
}
const TYPE = 'https://practice-sync.dev/problems/';

/** Companies, branch links and rules in client-master alone, on real PostgreSQL. */
describe('client-master companies and branch links', () => {
  const infra = testInfra();
  const config = loadClientMasterConfig({ ...infra.env, LOG_LEVEL: 'warn', KAFKA_PARTITIONS: '2' });
  let app: NestExpressApplication;
  let base: string;
  const firmId = uuidv7();
  const otherFirmId = uuidv7();

  beforeAll(async () => {
    await runServiceMigrations(clientMasterDataSourceOptions(config));
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { logger: ['error'] });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/internal/v1/firms`;
  });

  afterAll(async () => {
    await app?.close();
  });

  const call = <T>(method: string, path: string, body?: unknown) =>
    callJson<T>(method, `${base}${path}`, body);

  async function company(firm: string, name: string, role = 'branch', clientId?: string): Promise<Company> {
    const res = await call<Company>('POST', `/${firm}/companies`, {
      name,
      role,
      booksUrl: `http://books.test:9000/${name.toLowerCase().replace(/\W+/g, '-')}`,
      clientId,
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  it("stores companies, optionally of a client, and refuses a client that is not the firm's", async () => {
    const client = await call<{ id: string }>('POST', `/${firmId}/clients`, {
      name: 'Sharma Steel',
      pan: 'AAACS1234Q',
    });
    const ho = await company(firmId, 'Sharma HO', 'head_office', client.body.id);
    expect(ho).toMatchObject({ name: 'Sharma HO', role: 'head_office', clientId: client.body.id });
    expect((await call<Company>('GET', `/${firmId}/companies/${ho.id}`)).body).toEqual(ho);
    expect((await call('GET', `/${otherFirmId}/companies/${ho.id}`)).status).toBe(404);

    const foreign = await call<Problem>('POST', `/${otherFirmId}/companies`, {
      name: 'X',
      role: 'branch',
      booksUrl: 'http://x:9000',
      clientId: client.body.id,
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body).toMatchObject({ type: `${TYPE}unknown-reference`, errors: [{ field: 'clientId' }] });

    const patched = await call<Company>('PATCH', `/${firmId}/companies/${ho.id}`, {
      clientId: null,
      name: 'Sharma Head Office',
    });
    expect(patched.body).toMatchObject({ clientId: null, name: 'Sharma Head Office', booksUrl: ho.booksUrl });
    expect((await call<Problem>('PATCH', `/${firmId}/companies/${ho.id}`, {})).status).toBe(400);
  });

  it('links two companies with proposed rules, refuses duplicates and strangers, and decides rules', async () => {
    const ho = await company(firmId, 'Patel HO', 'head_office');
    const pune = await company(firmId, 'Patel Pune');
    const elsewhere = await company(otherFirmId, 'Other firm books');

    const created = await call<Link>('POST', `/${firmId}/branch-links`, {
      clientCompanyId: pune.id,
      serverCompanyId: ho.id,
      mode: 'online',
      rules: [
        { class: 'masters', types: ['Ledger', 'Ledger', 'Group'], direction: 'receive' },
        { class: 'transactions', types: ['Sales'], direction: 'send', fromDate: '2025-04-01' },
      ],
    });
    expect(created.status).toBe(201);
    const link = created.body;
    expect(link).toMatchObject({
      clientCompanyId: pune.id,
      serverCompanyId: ho.id,
      mode: 'online',
      state: 'online',
      held: { count: 0, oldestAt: null },
      lastSyncAt: null,
      error: null,
    });
    expect(link.rules).toEqual([
      expect.objectContaining({
        class: 'masters',
        types: ['Ledger', 'Group'],
        direction: 'receive',
        fromDate: null,
        status: 'proposed',
        reason: null,
      }),
      expect.objectContaining({
        class: 'transactions',
        types: ['Sales'],
        fromDate: '2025-04-01',
        status: 'proposed',
      }),
    ]);

    const duplicate = await call<Problem & { linkId: string }>('POST', `/${firmId}/branch-links`, {
      clientCompanyId: pune.id,
      serverCompanyId: ho.id,
      mode: 'on_demand',
      rules: [],
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ type: `${TYPE}duplicate-link`, linkId: link.id });

    for (const [field, body] of [
      ['serverCompanyId', { clientCompanyId: pune.id, serverCompanyId: elsewhere.id }],
      ['clientCompanyId', { clientCompanyId: uuidv7(), serverCompanyId: ho.id }],
    ] as const) {
      const res = await call<Problem>('POST', `/${firmId}/branch-links`, {
        ...body,
        mode: 'online',
        rules: [],
      });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ type: `${TYPE}unknown-reference`, errors: [{ field }] });
    }
    const self = await call<Problem>('POST', `/${firmId}/branch-links`, {
      clientCompanyId: ho.id,
      serverCompanyId: ho.id,
      mode: 'online',
      rules: [],
    });
    expect(self.status).toBe(400);
    expect(self.body.errors).toEqual([
      { field: 'serverCompanyId', message: expect.stringContaining('another company') },
    ]);

    const [masters, sales] = link.rules;
    const activated = await call<Link>(
      'POST',
      `/${firmId}/branch-links/${link.id}/rules/${masters.id}/activate`,
    );
    expect(activated.status).toBe(200);
    expect(activated.body.rules[0]).toMatchObject({ status: 'active', reason: null });
    const rejected = await call<Link>('POST', `/${firmId}/branch-links/${link.id}/rules/${sales.id}/reject`, {
      reason: 'The HO enters its own sales',
    });
    expect(rejected.body.rules[1]).toMatchObject({
      status: 'rejected',
      reason: 'The HO enters its own sales',
    });
    const noReason = await call<Problem>(
      'POST',
      `/${firmId}/branch-links/${link.id}/rules/${sales.id}/reject`,
      { reason: '' },
    );
    expect(noReason.status).toBe(400);
    expect((await call('POST', `/${firmId}/branch-links/${link.id}/rules/${uuidv7()}/activate`)).status).toBe(
      404,
    );
    expect(
      (await call('POST', `/${otherFirmId}/branch-links/${link.id}/rules/${masters.id}/activate`)).status,
    ).toBe(404);

    // PATCH: change the mode, remove the rejected rule, propose a new one; an unknown rule id names itself.
    const unknownRule = await call<Problem>('PATCH', `/${firmId}/branch-links/${link.id}`, {
      removeRuleIds: [sales.id, uuidv7()],
    });
    expect(unknownRule.status).toBe(422);
    expect(unknownRule.body.errors).toEqual([{ field: 'removeRuleIds[1]', message: expect.any(String) }]);
    const patched = await call<Link>('PATCH', `/${firmId}/branch-links/${link.id}`, {
      mode: 'on_demand',
      removeRuleIds: [sales.id],
      addRules: [{ class: 'transactions', direction: 'both' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.mode).toBe('on_demand');
    expect(patched.body.rules.map((r) => [r.class, r.status])).toEqual([
      ['masters', 'active'],
      ['transactions', 'proposed'],
    ]);

    // A company in a link cannot be deleted; the problem names the link.
    const inUse = await call<Problem>('DELETE', `/${firmId}/companies/${ho.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ type: `${TYPE}company-in-use`, links: [link.id] });
    expect(inUse.body.detail).toContain(link.id);

    // The selection a branch sync run resolves: both books servers, only active rules.
    const selected = await call<{ items: unknown[]; nextCursor: string | null }>(
      'POST',
      `/${firmId}/branch-links/select`,
      {
        selection: { ids: [link.id, 'not-a-uuid'] },
      },
    );
    expect(selected.body).toEqual({
      items: [
        {
          id: link.id,
          mode: 'on_demand',
          state: 'online',
          clientCompany: {
            id: pune.id,
            name: pune.name,
            role: 'branch',
            booksUrl: pune.booksUrl,
            clientId: null,
          },
          serverCompany: {
            id: ho.id,
            name: ho.name,
            role: 'head_office',
            booksUrl: ho.booksUrl,
            clientId: null,
          },
          rules: [
            {
              id: masters.id,
              class: 'masters',
              types: ['Ledger', 'Group'],
              direction: 'receive',
              fromDate: null,
            },
          ],
          // What moves nothing, so a run can say why a class was skipped.
          inactiveRules: [
            { id: patched.body.rules[1].id, class: 'transactions', status: 'proposed', reason: null },
          ],
        },
      ],
      nextCursor: null,
    });
    const unmatched = await call<{ unmatched: string[] }>(
      'POST',
      `/${firmId}/branch-links/select/unmatched`,
      {
        selection: { ids: [link.id, 'nope'] },
      },
    );
    expect(unmatched.body).toEqual({ unmatched: ['nope'] });
    expect(
      (await call<Problem>('POST', `/${firmId}/branch-links/select`, { selection: { tags: ['x'] } })).status,
    ).toBe(400);

    expect((await call('DELETE', `/${firmId}/branch-links/${link.id}`)).status).toBe(204);
    expect((await call('GET', `/${firmId}/branch-links/${link.id}`)).status).toBe(404);
    expect((await call('DELETE', `/${firmId}/companies/${ho.id}`)).status).toBe(204);
  });

  it('pages the selection of all links of a firm and only that firm', async () => {
    const firm = uuidv7();
    const ho = await company(firm, 'Mehta HO', 'head_office');
    const ids: string[] = [];
    for (const name of ['Mehta A', 'Mehta B', 'Mehta C']) {
      const branch = await company(firm, name);
      const res = await call<Link>('POST', `/${firm}/branch-links`, {
        clientCompanyId: branch.id,
        serverCompanyId: ho.id,
        mode: 'online',
        rules: [{ class: 'masters', direction: 'receive' }],
      });
      ids.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        body: { items: { id: string; rules: unknown[] }[]; nextCursor: string | null };
      } = await call('POST', `/${firm}/branch-links/select`, { selection: { all: true }, limit: 2, cursor });
      expect(page.body.items.every((l) => l.rules.length === 0)).toBe(true); // none activated yet
      seen.push(...page.body.items.map((l) => l.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    const list = await call<{ items: Link[] }>('GET', `/${firm}/branch-links?limit=10`);
    expect(list.body.items.map((l) => l.id)).toEqual(ids);
    expect(list.body.items[0].rules).toHaveLength(1);
  });
});
