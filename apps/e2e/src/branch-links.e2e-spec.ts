import type { StackHandle } from '@practice-sync/testing';
import { startStack } from '@practice-sync/testing';

import type { Answer, CallOptions } from './gateway-http';
import { call } from './gateway-http';

/**
 * Companies, branch links and rules through the public API (DESIGN.md "Branch sync"), on the real gateway and
 * client-master: the contract, who may do what (admin writes, operator and viewer read), and a specific
 * problem for each bad input. No sync runs: only the master data a branch sync starts from.
 */
interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
  links?: string[];
  linkId?: string;
}
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

const TYPE = 'https://practice-sync.dev/problems/';
const UNKNOWN = '0193a8f4-9999-7abc-8def-0123456789ab';

function problem(res: Answer, status: number, type: string): Problem {
  expect({ status: res.status, contentType: res.contentType }).toEqual({
    status,
    contentType: expect.stringContaining('application/problem+json'),
  });
  const body = res.body as unknown as Problem;
  expect(body.type).toBe(`${TYPE}${type}`);
  return body;
}

describe('branch sync master data: companies, links and rules', () => {
  let stack: StackHandle;
  let api: (method: string, path: string, options?: CallOptions) => Promise<Answer>;
  let admin: string;
  let operator: string;
  let viewer: string;
  let ho: Company;
  let pune: Company;
  let nashik: Company;
  let foreign: Company;

  const as = (key: string) => ({
    get: (path: string) => api('GET', path, { key }),
    post: (path: string, body?: unknown) => api('POST', path, { key, body }),
    patch: (path: string, body: unknown) => api('PATCH', path, { key, body }),
    del: (path: string) => api('DELETE', path, { key }),
  });

  async function newKey(firmId: string, role: string): Promise<string> {
    const res = await api('POST', `/v1/firms/${firmId}/api-keys`, { key: admin, body: { name: role, role } });
    expect(res.status).toBe(201);
    return (res.body as { key: string }).key;
  }

  async function company(
    key: string,
    name: string,
    role: string,
    extra: Record<string, unknown> = {},
  ): Promise<Company> {
    const res = await as(key).post('/v1/companies', {
      name,
      role,
      booksUrl: 'http://127.0.0.1:9000',
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body as unknown as Company;
  }

  beforeAll(async () => {
    stack = await startStack({ services: ['client-master', 'gateway'] });
    api = (method, path, options) => call(stack.gatewayUrl, method, path, options);
    const firm = await stack.createFirmWithAdmin('Branch Associates');
    admin = firm.adminApiKey;
    operator = await newKey(firm.firmId, 'operator');
    viewer = await newKey(firm.firmId, 'viewer');
    const client = await as(admin).post('/v1/clients', { name: 'Sharma Steel', pan: 'AAACS1234Q' });
    expect(client.status).toBe(201);
    ho = await company(admin, 'Sharma Steel HO', 'head_office', {
      clientId: (client.body as { id: string }).id,
    });
    pune = await company(admin, 'Sharma Steel Pune', 'branch');
    nashik = await company(admin, 'Sharma Steel Nashik', 'branch');
    const other = await stack.createFirmWithAdmin('Another Firm');
    foreign = await company(other.adminApiKey, 'Not yours', 'head_office');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps companies: admin creates and changes them, operators and viewers read', async () => {
    expect(ho).toMatchObject({
      name: 'Sharma Steel HO',
      role: 'head_office',
      booksUrl: 'http://127.0.0.1:9000',
    });
    const list = await as(viewer).get('/v1/companies');
    expect(list.status).toBe(200);
    expect((list.body as unknown as { items: Company[] }).items.map((c) => c.id)).toEqual([
      ho.id,
      pune.id,
      nashik.id,
    ]);
    expect((await as(operator).get(`/v1/companies/${pune.id}`)).body).toEqual(pune);
    problem(await as(admin).get(`/v1/companies/${foreign.id}`), 404, 'not-found');

    problem(
      await as(operator).post('/v1/companies', { name: 'X', role: 'branch', booksUrl: 'http://x:9000' }),
      403,
      'forbidden',
    );
    problem(await as(viewer).patch(`/v1/companies/${pune.id}`, { name: 'Renamed' }), 403, 'forbidden');
    problem(await as(operator).del(`/v1/companies/${pune.id}`), 403, 'forbidden');

    const renamed = await as(admin).patch(`/v1/companies/${nashik.id}`, {
      booksUrl: 'https://nashik.example.in:9000',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      id: nashik.id,
      name: nashik.name,
      booksUrl: 'https://nashik.example.in:9000',
    });
  });

  it('refuses bad companies with a problem naming the field', async () => {
    const bad = async (body: Record<string, unknown>, status: number, type: string, field: string) => {
      const p = problem(
        await as(admin).post('/v1/companies', {
          name: 'B',
          role: 'branch',
          booksUrl: 'http://b:9000',
          ...body,
        }),
        status,
        type,
      );
      expect(p.errors?.map((e) => e.field)).toEqual([field]);
      return p;
    };
    await bad({ role: 'warehouse' }, 400, 'validation-error', 'role');
    const url = await bad({ booksUrl: 'ftp://books:21' }, 400, 'validation-error', 'booksUrl');
    expect(url.detail).toContain('http(s) URL');
    await bad({ booksUrl: 'books.local:9000 ' }, 400, 'validation-error', 'booksUrl');
    await bad({ clientId: UNKNOWN }, 422, 'unknown-reference', 'clientId');
  });

  it('links companies with proposed rules, lets the server side decide them and refuses bad links', async () => {
    const body = {
      clientCompanyId: pune.id,
      serverCompanyId: ho.id,
      mode: 'online',
      rules: [
        { class: 'masters', types: ['Ledger', 'Group', 'Stock Item'], direction: 'receive' },
        {
          class: 'transactions',
          types: ['Sales', 'Job Work Out'],
          direction: 'send',
          fromDate: '2025-04-01',
        },
      ],
    };
    problem(await as(operator).post('/v1/branch-links', body), 403, 'forbidden');
    const created = await as(admin).post('/v1/branch-links', body);
    expect(created.status).toBe(201);
    const link = created.body as unknown as Link;
    expect(link).toEqual({
      id: expect.any(String),
      clientCompanyId: pune.id,
      serverCompanyId: ho.id,
      mode: 'online',
      rules: [
        {
          id: expect.any(String),
          class: 'masters',
          types: ['Ledger', 'Group', 'Stock Item'],
          direction: 'receive',
          fromDate: null,
          status: 'proposed',
          reason: null,
        },
        {
          id: expect.any(String),
          class: 'transactions',
          types: ['Sales', 'Job Work Out'],
          direction: 'send',
          fromDate: '2025-04-01',
          status: 'proposed',
          reason: null,
        },
      ],
      state: 'online',
      held: { count: 0, oldestAt: null },
      lastSyncAt: null,
      error: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await as(viewer).get(`/v1/branch-links/${link.id}`)).body).toEqual(link);
    expect((await as(operator).get('/v1/branch-links')).body).toEqual({ items: [link], nextCursor: null });

    const [masters, sales] = link.rules;
    const rulePath = (rule: Rule, action: string) => `/v1/branch-links/${link.id}/rules/${rule.id}/${action}`;
    problem(await as(operator).post(rulePath(masters, 'activate')), 403, 'forbidden');
    const active = await as(admin).post(rulePath(masters, 'activate'));
    expect(active.status).toBe(200);
    expect((active.body as unknown as Link).rules[0]).toMatchObject({ status: 'active', reason: null });
    const noReason = problem(
      await as(admin).post(rulePath(sales, 'reject'), { reason: ' ' }),
      400,
      'validation-error',
    );
    expect(noReason.errors?.map((e) => e.field)).toEqual(['reason']);
    const rejected = await as(admin).post(rulePath(sales, 'reject'), {
      reason: 'The HO books its own sales',
    });
    expect((rejected.body as unknown as Link).rules[1]).toMatchObject({
      status: 'rejected',
      reason: 'The HO books its own sales',
    });
    // The server side may change its mind: the rejected rule activated, the active one rejected.
    const again = await as(admin).post(rulePath(sales, 'activate'));
    expect((again.body as unknown as Link).rules[1]).toMatchObject({ status: 'active', reason: null });
    problem(await as(admin).post(`/v1/branch-links/${link.id}/rules/${UNKNOWN}/activate`), 404, 'not-found');

    const patched = await as(admin).patch(`/v1/branch-links/${link.id}`, {
      mode: 'on_demand',
      removeRuleIds: [sales.id],
      addRules: [{ class: 'masters', types: ['Cost Centre'], direction: 'both' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ mode: 'on_demand' });
    expect((patched.body as unknown as Link).rules.map((r) => [r.id === masters.id, r.status])).toEqual([
      [true, 'active'],
      [false, 'proposed'],
    ]);
    const stale = problem(
      await as(admin).patch(`/v1/branch-links/${link.id}`, { removeRuleIds: [sales.id] }),
      422,
      'unknown-reference',
    );
    expect(stale.errors?.map((e) => e.field)).toEqual(['removeRuleIds[0]']);
    problem(await as(operator).patch(`/v1/branch-links/${link.id}`, { mode: 'online' }), 403, 'forbidden');

    const duplicate = problem(
      await as(admin).post('/v1/branch-links', { ...body, rules: [] }),
      409,
      'duplicate-link',
    );
    expect(duplicate.linkId).toBe(link.id);
    const inUse = problem(await as(admin).del(`/v1/companies/${ho.id}`), 409, 'company-in-use');
    expect(inUse.links).toEqual([link.id]);
    expect(inUse.detail).toContain(link.id);

    problem(await as(operator).del(`/v1/branch-links/${link.id}`), 403, 'forbidden');
    expect((await as(admin).del(`/v1/branch-links/${link.id}`)).status).toBe(204);
    problem(await as(viewer).get(`/v1/branch-links/${link.id}`), 404, 'not-found');
    expect((await as(admin).del(`/v1/companies/${pune.id}`)).status).toBe(204);
  });

  it('names the field of each bad link', async () => {
    const link = { clientCompanyId: nashik.id, serverCompanyId: ho.id, mode: 'online', rules: [] };
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ serverCompanyId: nashik.id }, 400, 'validation-error', 'serverCompanyId'],
      [{ serverCompanyId: foreign.id }, 422, 'unknown-reference', 'serverCompanyId'],
      [{ clientCompanyId: UNKNOWN }, 422, 'unknown-reference', 'clientCompanyId'],
      [{ mode: 'sometimes' }, 400, 'validation-error', 'mode'],
      [{ rules: [{ class: 'vouchers', direction: 'send' }] }, 400, 'validation-error', 'rules[0].class'],
      [{ rules: [{ class: 'masters', direction: 'upload' }] }, 400, 'validation-error', 'rules[0].direction'],
      [
        { rules: [{ class: 'masters', types: ['Ledger', 'Ledgers'], direction: 'send' }] },
        400,
        'validation-error',
        'rules[0].types[1]',
      ],
      [
        { rules: [{ class: 'transactions', types: [''], direction: 'send' }] },
        400,
        'validation-error',
        'rules[0].types[0]',
      ],
      [
        { rules: [{ class: 'masters', direction: 'send', fromDate: '2025-02-29' }] },
        400,
        'validation-error',
        'rules[0].fromDate',
      ],
    ];
    for (const [change, status, type, field] of cases) {
      const p = problem(await as(admin).post('/v1/branch-links', { ...link, ...change }), status, type);
      expect({ change, fields: p.errors?.map((e) => e.field) }).toEqual({ change, fields: [field] });
    }
    const unknownType = problem(
      await as(admin).post('/v1/branch-links', {
        ...link,
        rules: [{ class: 'masters', types: ['Ledgers'], direction: 'send' }],
      }),
      400,
      'validation-error',
    );
    expect(unknownType.errors?.[0].message).toContain('Stock Item');
    // Voucher types are the books' own names: any non-empty text is a type.
    const custom = await as(admin).post('/v1/branch-links', {
      ...link,
      rules: [{ class: 'transactions', types: ['Job Work Out'], direction: 'send' }],
    });
    expect(custom.status).toBe(201);
  });
});
