import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { runServiceMigrations } from '@practice-sync/persistence';
import type { StackHandle } from '@practice-sync/testing';
import { freePort, startStack, testInfra } from '@practice-sync/testing';

import { AppModule } from './app.module';
import { loadGatewayConfig } from './config/gateway.config';
import { gatewayDataSourceOptions } from './gateway-data-source';
import { configureApp } from './http/configure-app';

const PLATFORM_KEY = 'integration-platform-key-0001';

describe('gateway (with client-master; sync-orchestrator down)', () => {
  const infra = testInfra();
  let gateway: NestExpressApplication;
  let clientMaster: StackHandle;
  let url: string;

  beforeAll(async () => {
    // The real client-master, as its own process on this run's infrastructure; the gateway runs in-process.
    clientMaster = await startStack({
      services: ['client-master'],
      logPrefix: 'gateway-it-',
      logLevel: 'warn',
    });

    const config = loadGatewayConfig({
      ...infra.env,
      LOG_LEVEL: 'warn',
      PLATFORM_API_KEY: PLATFORM_KEY,
      CLIENT_MASTER_URL: clientMaster.urls['client-master'],
      SYNC_ORCHESTRATOR_URL: `http://127.0.0.1:${await freePort()}`,
    });
    await runServiceMigrations(gatewayDataSourceOptions(config));
    gateway = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
      logger: ['error'],
      bodyParser: false,
    });
    configureApp(gateway, config);
    await gateway.listen(0, '127.0.0.1');
    url = await gateway.getUrl();
  });

  afterAll(async () => {
    await gateway?.close();
    await clientMaster?.stop();
  });

  interface Answer {
    status: number;
    type: string;
    body: Record<string, unknown>;
  }

  async function call(method: string, path: string, key?: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  async function firmWithKeys(): Promise<{ firmId: string; admin: string; viewer: string }> {
    const firm = await call('POST', '/v1/firms', PLATFORM_KEY, { name: 'Sharma & Associates' });
    expect(firm.status).toBe(201);
    const firmId = firm.body.id as string;
    const admin = await call('POST', `/v1/firms/${firmId}/api-keys`, PLATFORM_KEY, {
      name: 'admin',
      role: 'admin',
    });
    const viewer = await call('POST', `/v1/firms/${firmId}/api-keys`, admin.body.key as string, {
      name: 'dashboard',
      role: 'viewer',
    });
    expect(viewer).toMatchObject({ status: 201, body: { role: 'viewer' } });
    return { firmId, admin: admin.body.key as string, viewer: viewer.body.key as string };
  }

  it('answers 401 problems for missing and unknown keys', async () => {
    const missing = await call('POST', '/v1/firms', undefined, { name: 'x' });
    expect(missing).toMatchObject({ status: 401, body: { status: 401, instance: '/v1/firms' } });
    expect(missing.type).toContain('application/problem+json');
    const unknown = await call(
      'GET',
      '/v1/clients',
      'psk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    );
    expect(unknown.status).toBe(401);
  });

  it('manages firms and keys: secrets shown once, roles enforced, revocation immediate', async () => {
    const { firmId, admin, viewer } = await firmWithKeys();
    const list = await call('GET', `/v1/firms/${firmId}/api-keys`, admin);
    expect(list.status).toBe(200);
    const items = list.body.items as Record<string, unknown>[];
    expect(items.map((k) => k.role).sort()).toEqual(['admin', 'viewer']);
    expect(JSON.stringify(list.body)).not.toContain(viewer.slice(17));
    expect(items.every((k) => !('key' in k) && !('keyHash' in k))).toBe(true);

    expect((await call('GET', `/v1/firms/${firmId}/api-keys`, viewer)).status).toBe(403);
    expect((await call('POST', '/v1/firms', admin, { name: 'x' })).status).toBe(403);
    expect((await call('GET', '/v1/clients', PLATFORM_KEY)).status).toBe(403);

    const other = await firmWithKeys();
    expect((await call('GET', `/v1/firms/${other.firmId}/api-keys`, admin)).status).toBe(404);

    const viewerId = items.find((k) => k.role === 'viewer')?.id as string;
    expect((await call('DELETE', `/v1/firms/${firmId}/api-keys/${viewerId}`, admin)).status).toBe(204);
    expect((await call('GET', '/v1/clients', viewer)).status).toBe(401);
    expect((await call('DELETE', `/v1/firms/${firmId}/api-keys/${viewerId}`, admin)).status).toBe(404);
  });

  it('creates, lists and reads clients through client-master, scoped to the firm', async () => {
    const { admin, viewer } = await firmWithKeys();
    const created = await call('POST', '/v1/clients', admin, {
      name: 'Reliance Traders',
      pan: 'aaacr5055k',
      gstins: ['27AAACR5055K1Z7'],
      tags: ['gst-monthly'],
    });
    expect(created).toMatchObject({ status: 201, body: { pan: 'AAACR5055K', tan: null, office: null } });
    const id = created.body.id as string;

    expect((await call('POST', '/v1/clients', viewer, { name: 'x', pan: 'AAACR5055K' })).status).toBe(403);
    const duplicate = await call('POST', '/v1/clients', admin, { name: 'Again', pan: 'AAACR5055K' });
    expect(duplicate).toMatchObject({ status: 409, body: { instance: '/v1/clients' } });

    expect((await call('GET', `/v1/clients/${id}`, viewer)).body).toEqual(created.body);
    expect((await call('GET', `/v1/clients?tag=gst-monthly`, viewer)).body).toEqual({
      items: [created.body],
      nextCursor: null,
    });
    expect((await call('GET', `/v1/clients/${id}/status`, viewer)).body).toEqual({ items: [] });

    const stranger = await firmWithKeys();
    expect((await call('GET', `/v1/clients/${id}`, stranger.admin)).status).toBe(404);
    expect((await call('GET', `/v1/clients/${id}/status`, stranger.admin)).status).toBe(404);
  });

  it('names each invalid field, rejects bad JSON and oversized bodies', async () => {
    const { admin } = await firmWithKeys();
    const invalid = await call('POST', '/v1/clients', admin, {
      name: 'x',
      gstins: ['27AAACR5055K1Z4'],
      extra: 1,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([
      { field: 'extra', message: 'is not a known field; remove it' },
      { field: 'gstins[0]', message: expect.stringContaining('check character') },
    ]);
    expect((await call('POST', '/v1/clients', admin, '{"name":')).body).toMatchObject({
      status: 400,
      title: 'Invalid JSON',
    });
    const big = JSON.stringify({ name: 'x'.repeat(1_100_000), pan: 'AAACR5055K' });
    expect((await call('POST', '/v1/clients', admin, big)).status).toBe(413);
  });

  it('answers 422 naming the field for text PostgreSQL cannot store, and only our problem types', async () => {
    const { admin } = await firmWithKeys();
    const unstorable = (res: { status: number; body: Record<string, unknown> }, field: string) => {
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        type: 'https://practice-sync.dev/problems/unstorable-text',
        errors: [{ field, message: expect.stringMatching(/NUL|surrogate/) }],
      });
    };
    unstorable(await call('POST', '/v1/clients', admin, { name: 'a\u0000b', pan: 'AAACR5055K' }), 'name');
    unstorable(await call('POST', '/v1/clients', admin, '{"name":"x","tags":["ok","\\ud800"]}'), 'tags[1]');
    unstorable(await call('GET', '/v1/clients?q=a%00b', admin), 'query.q');
    unstorable(await call('GET', '/v1/clients/abc%00def', admin), 'path');
    unstorable(
      await call('POST', '/v1/sync-runs', admin, { clients: { tags: ['x\u0000'] }, categories: ['all'] }),
      'clients.tags[0]',
    );
    const csv = await fetch(`${url}/v1/clients/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
      body: 'name,pan\nGood,AAACR5055K\nBad\u0000,\n',
    });
    expect(csv.status).toBe(422);
    expect(await csv.json()).toMatchObject({ errors: [{ field: 'row[3].name' }] });

    const nullYear = await call('POST', '/v1/sync-runs', admin, {
      clients: { all: true },
      categories: ['itr.all'],
      period: { itr: null },
    });
    expect(nullYear.status).toBe(400);
    expect(nullYear.body.errors).toEqual([
      { field: 'period.itr', message: expect.stringContaining('one run syncs one year') },
    ]);
    // A route that does not exist is a problem of our own type too, never about:blank.
    const missing = await call('GET', '/v1/nothing-here', admin);
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('https://practice-sync.dev/problems/not-found');
  });

  it('answers 503 when the orchestrator is down, after validating the run', async () => {
    const { admin } = await firmWithKeys();
    const bad = await call('POST', '/v1/sync-runs', admin, {
      clients: { tags: [] },
      categories: ['gst.nope'],
    });
    expect(bad.body.errors).toEqual([
      { field: 'clients.tags', message: 'must not be empty' },
      { field: 'categories[0]', message: expect.stringContaining('unknown category') },
    ]);
    const run = await call('POST', '/v1/sync-runs', admin, {
      clients: { all: true },
      categories: ['gst.all'],
    });
    expect(run).toMatchObject({
      status: 503,
      body: { type: 'https://practice-sync.dev/problems/upstream-unavailable' },
    });
  });

  it('POST /v1/branch-links/{id}/snapshot: operators and admins only, `replace` a boolean, then the orchestrator', async () => {
    const { firmId, admin, viewer } = await firmWithKeys();
    const operator = await call('POST', `/v1/firms/${firmId}/api-keys`, admin, {
      name: 'ops',
      role: 'operator',
    });
    const path = '/v1/branch-links/01936f6e-0000-7000-8000-0000000000bb/snapshot';
    const forbidden = await call('POST', path, viewer, {});
    expect(forbidden).toMatchObject({
      status: 403,
      body: { type: 'https://practice-sync.dev/problems/forbidden' },
    });
    const bad = await call('POST', path, operator.body.key as string, { replace: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { field: 'replace', message: expect.stringContaining('true or false') },
    ]);
    expect((await call('POST', '/v1/branch-links/not-a-uuid/snapshot', admin, {})).status).toBe(400);
    // Valid and allowed: forwarded to the orchestrator, which is down here.
    const run = await call('POST', path, operator.body.key as string, { replace: true });
    expect(run).toMatchObject({
      status: 503,
      body: { type: 'https://practice-sync.dev/problems/upstream-unavailable' },
    });
  });

  it('pages API keys, replays idempotent firm creation, refuses odd media types and prototype keys', async () => {
    const { firmId, admin } = await firmWithKeys();
    for (const role of ['operator', 'viewer']) {
      await call('POST', `/v1/firms/${firmId}/api-keys`, admin, { name: role, role });
    }
    const first = await call('GET', `/v1/firms/${firmId}/api-keys?limit=2`, admin);
    expect((first.body.items as unknown[]).length).toBe(2);
    const second = await call(
      'GET',
      `/v1/firms/${firmId}/api-keys?limit=2&cursor=${String(first.body.nextCursor)}`,
      admin,
    );
    expect((second.body.items as unknown[]).length).toBe(2);
    expect(second.body.nextCursor).toBeNull();
    expect((await call('GET', `/v1/firms/${firmId}/api-keys?cursor=nope`, admin)).status).toBe(400);

    const headers = {
      authorization: `Bearer ${PLATFORM_KEY}`,
      'content-type': 'application/json',
      'idempotency-key': 'firm-1',
    };
    const create = () =>
      fetch(`${url}/v1/firms`, { method: 'POST', headers, body: JSON.stringify({ name: 'Once' }) });
    const a = await create();
    const b = await create();
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await b.json()).toEqual(await a.json());

    const form = await fetch(`${url}/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' },
      body: 'name=x',
    });
    expect(form.status).toBe(415);
    const proto = await call(
      'POST',
      '/v1/clients',
      admin,
      '{"name":"x","pan":"AAACR5055K","constructor":{"a":1}}',
    );
    expect(proto).toMatchObject({ status: 400, body: { errors: [{ field: 'constructor' }] } });
  });

  it('serves the OpenAPI document and request metrics at the root', async () => {
    const doc = await call('GET', '/docs-json');
    expect(Object.keys(doc.body.paths as object)).toEqual(
      expect.arrayContaining(['/v1/clients', '/v1/sync-runs/{id}/jobs', '/v1/firms/{id}/api-keys']),
    );
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_http_requests_total\{method="POST",route="\/v1\/clients",status="201"/);
  });
});
