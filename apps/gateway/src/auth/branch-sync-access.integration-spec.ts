import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { runServiceMigrations } from '@practice-sync/persistence';
import type { StackHandle } from '@practice-sync/testing';
import { startStack, testInfra } from '@practice-sync/testing';

import { AppModule } from '../app.module';
import { loadGatewayConfig } from '../config/gateway.config';
import { gatewayDataSourceOptions } from '../gateway-data-source';
import { configureApp } from '../http/configure-app';

const PLATFORM_KEY = 'integration-platform-key-0022';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}
interface Caller {
  key?: string;
  cookie?: string;
  csrf?: string;
}

/**
 * Issue 22, "who may sync", through the real gateway (in-process, real PostgreSQL) in front of the real
 * client-master and sync-orchestrator (processes, real Kafka): only admins define companies, links and rules;
 * operators start branch syncs (runs over links, schedules over links, restarts); viewers read and start
 * nothing. API keys and people signed in to the console go through the same guard, so both are shown.
 */
describe('gateway: who may sync branch links', () => {
  const infra = testInfra();
  let gateway: NestExpressApplication;
  let peers: StackHandle;
  let url: string;
  let firmId: string;
  let admin: Caller;
  let operator: Caller;
  let viewer: Caller;
  let operatorUser: Caller;
  let viewerUser: Caller;
  let linkId: string;
  let ruleIds: string[];
  let hoId: string;
  let branchId: string;

  async function call(method: string, path: string, who: Caller = {}, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (who.key) headers.authorization = `Bearer ${who.key}`;
    if (who.cookie) headers.cookie = who.cookie;
    if (who.csrf) headers['x-csrf-token'] = who.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  async function key(role: string): Promise<Caller> {
    const res = await call(
      'POST',
      `/v1/firms/${firmId}/api-keys`,
      { key: PLATFORM_KEY },
      { name: role, role },
    );
    expect(res.status).toBe(201);
    return { key: res.body.key as string };
  }

  async function user(email: string, role: string): Promise<Caller> {
    const invited = await call('POST', `/v1/firms/${firmId}/users`, admin, { email, role });
    expect(invited.status).toBe(201);
    const password = `${role} passphrase of ${email}`;
    const accepted = await call(
      'POST',
      '/v1/invitations/accept',
      {},
      { token: invited.body.inviteToken, password },
    );
    expect(accepted.status).toBe(200);
    const session = await call('POST', '/v1/sessions', {}, { email, password });
    expect(session.status).toBe(201);
    const cookie = session.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    return { cookie, csrf: session.body.csrfToken as string };
  }

  beforeAll(async () => {
    peers = await startStack({
      services: ['client-master', 'sync-orchestrator'],
      logPrefix: 'gateway-access-it-',
      logLevel: 'warn',
    });
    const config = loadGatewayConfig({
      ...infra.env,
      LOG_LEVEL: 'warn',
      PLATFORM_API_KEY: PLATFORM_KEY,
      CLIENT_MASTER_URL: peers.urls['client-master'],
      SYNC_ORCHESTRATOR_URL: peers.urls['sync-orchestrator'],
      RATE_LIMIT_STORE: 'memory',
    });
    await runServiceMigrations(gatewayDataSourceOptions(config));
    gateway = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
      logger: ['error'],
      bodyParser: false,
    });
    configureApp(gateway, config);
    await gateway.listen(0, '127.0.0.1');
    url = await gateway.getUrl();

    const firm = await call('POST', '/v1/firms', { key: PLATFORM_KEY }, { name: 'Branch Access & Co' });
    firmId = firm.body.id as string;
    admin = await key('admin');
    operator = await key('operator');
    viewer = await key('viewer');
    operatorUser = await user('ops@branch-access.in', 'operator');
    viewerUser = await user('view@branch-access.in', 'viewer');

    const company = async (name: string, role: string) => {
      const res = await call('POST', '/v1/companies', admin, {
        name,
        role,
        booksUrl: 'http://127.0.0.1:9/books',
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    hoId = await company('Access HO', 'head_office');
    branchId = await company('Access Branch', 'branch');
    const link = await call('POST', '/v1/branch-links', admin, {
      clientCompanyId: branchId,
      serverCompanyId: hoId,
      mode: 'online',
      rules: [
        { class: 'masters', direction: 'receive' },
        { class: 'transactions', direction: 'send' },
      ],
    });
    expect(link.status).toBe(201);
    linkId = link.body.id as string;
    ruleIds = (link.body.rules as { id: string }[]).map((r) => r.id);
  });

  afterAll(async () => {
    await gateway?.close();
    await peers?.stop();
  });

  const forbidden = (res: Answer) => {
    expect({ status: res.status, type: res.body.type }).toEqual({
      status: 403,
      type: 'https://practice-sync.dev/problems/forbidden',
    });
  };

  it('lets only admins define companies, links and rules — operators and viewers, keys or users, get 403', async () => {
    const newLink = { clientCompanyId: hoId, serverCompanyId: branchId, mode: 'online', rules: [] };
    for (const who of [operator, viewer, operatorUser, viewerUser]) {
      forbidden(
        await call('POST', '/v1/companies', who, { name: 'X', role: 'branch', booksUrl: 'http://x:9000' }),
      );
      forbidden(await call('PATCH', `/v1/companies/${branchId}`, who, { name: 'Renamed' }));
      forbidden(await call('DELETE', `/v1/companies/${branchId}`, who));
      forbidden(await call('POST', '/v1/branch-links', who, newLink));
      forbidden(await call('PATCH', `/v1/branch-links/${linkId}`, who, { mode: 'on_demand' }));
      forbidden(await call('DELETE', `/v1/branch-links/${linkId}`, who));
      forbidden(await call('POST', `/v1/branch-links/${linkId}/rules/${ruleIds[0]}/activate`, who));
      forbidden(
        await call('POST', `/v1/branch-links/${linkId}/rules/${ruleIds[0]}/reject`, who, { reason: 'no' }),
      );
      // Everyone reads them.
      expect((await call('GET', `/v1/branch-links/${linkId}`, who)).status).toBe(200);
      expect((await call('GET', '/v1/companies', who)).status).toBe(200);
    }
    const link = await call('GET', `/v1/branch-links/${linkId}`, admin);
    expect(link.body).toMatchObject({
      mode: 'online',
      rules: [{ status: 'proposed' }, { status: 'proposed' }],
    });
    for (const ruleId of ruleIds) {
      expect((await call('POST', `/v1/branch-links/${linkId}/rules/${ruleId}/activate`, admin)).status).toBe(
        200,
      );
    }
  });

  it('keeps viewers from starting a branch sync: no run, no schedule, no restart is made', async () => {
    const body = { links: { ids: [linkId] }, categories: ['books.masters', 'books.transactions'] };
    for (const who of [viewer, viewerUser]) {
      const run = await call('POST', '/v1/sync-runs', who, body);
      forbidden(run);
      expect(run.body.detail).toMatch(/role admin or operator; yours is viewer/);
      forbidden(await call('POST', '/v1/sync-schedules', who, { name: 'x', ...body, every: 'PT1M' }));
      forbidden(await call('POST', `/v1/branch-links/${linkId}/restart`, who));
    }
    expect((await call('GET', '/v1/sync-runs', viewer)).body.items).toEqual([]);
    expect((await call('GET', '/v1/sync-schedules', viewer)).body.items).toEqual([]);
  });

  it('lets operators (keys and users) start runs over links, schedule links every minute and ask for a restart', async () => {
    const body = { links: { ids: [linkId] }, categories: ['books.masters'] };
    const byKey = await call('POST', '/v1/sync-runs', operator, body);
    expect(byKey.status).toBe(202);
    expect(byKey.body).toMatchObject({ subjectKind: 'links', links: { ids: [linkId] } });
    const byUser = await call('POST', '/v1/sync-runs', operatorUser, {
      links: { all: true },
      categories: ['books.transactions'],
    });
    expect(byUser.status).toBe(202);
    const runs = (await call('GET', '/v1/sync-runs', viewer)).body.items as { id: string }[];
    expect(runs.map((r) => r.id).sort()).toEqual([byKey.body.id, byUser.body.id].sort());

    const schedule = await call('POST', '/v1/sync-schedules', operatorUser, {
      name: 'branches every minute',
      ...body,
      every: 'PT1M',
      notBefore: '2030-01-01T00:00:00Z',
      enabled: false,
    });
    expect(schedule.status).toBe(201);
    expect(schedule.body).toMatchObject({
      subjectKind: 'links',
      clients: null,
      links: body.links,
      every: 'PT1M',
    });

    // The restart route lets an operator in; this link has not failed, so it says there is nothing to restart
    // (or that a run over it still goes: the runs above have no connector to finish them).
    const restart = await call('POST', `/v1/branch-links/${linkId}/restart`, operator);
    expect(restart.status).toBe(409);
    expect([
      'https://practice-sync.dev/problems/link-syncing',
      'https://practice-sync.dev/problems/link-not-failed',
    ]).toContain(restart.body.type);
  });

  it('holds a schedule over clients to PT5M and lets one over links run every minute, with clear 400s', async () => {
    const overClients = await call('POST', '/v1/sync-schedules', operator, {
      name: 'gst',
      clients: { all: true },
      categories: ['gst.all'],
      every: 'PT1H',
      enabled: false,
    });
    expect(overClients.status).toBe(201);
    const tooOften = await call('PATCH', `/v1/sync-schedules/${overClients.body.id as string}`, operator, {
      every: 'PT1M',
    });
    expect(tooOften.status).toBe(400);
    expect(tooOften.body.errors).toEqual([
      {
        field: 'every',
        message: 'must be at least PT5M (five minutes) for a schedule over clients (PT1M over branch links)',
      },
    ]);
    const overLinks = await call('POST', '/v1/sync-schedules', operator, {
      name: 'links',
      links: { all: true },
      categories: ['books.masters'],
      every: 'PT1H',
      enabled: false,
    });
    const everyMinute = await call('PATCH', `/v1/sync-schedules/${overLinks.body.id as string}`, operator, {
      every: 'PT1M',
    });
    expect(everyMinute).toMatchObject({ status: 200, body: { every: 'PT1M' } });
    const both = await call('POST', '/v1/sync-schedules', operator, {
      name: 'x',
      clients: { all: true },
      links: { all: true },
      categories: ['books.masters'],
      every: 'PT1M',
    });
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual(
      expect.arrayContaining([{ field: 'links', message: expect.stringContaining('not both') }]),
    );
  });
});
