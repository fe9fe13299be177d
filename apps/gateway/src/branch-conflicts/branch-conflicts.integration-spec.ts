import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { runServiceMigrations } from '@practice-sync/persistence';
import { freePort, testInfra } from '@practice-sync/testing';
import { v7 as uuidv7 } from 'uuid';

import { AppModule } from '../app.module';
import { loadGatewayConfig } from '../config/gateway.config';
import { gatewayDataSourceOptions } from '../gateway-data-source';
import { configureApp } from '../http/configure-app';

const PLATFORM_KEY = 'integration-platform-key-0002';

/**
 * The conflict routes' own checks, in front of connector-books (down here: what passes the checks is answered
 * 503, what does not never reaches it): roles (viewers read, operators and admins resolve) and the resolution's
 * shape. The conflict queue itself, 404 and 409 are covered against the real connector-books
 * (apps/connector-books conflicts spec, apps/e2e branch-sync-conflicts).
 */
describe('gateway: branch conflict routes', () => {
  const infra = testInfra();
  let gateway: NestExpressApplication;
  let url: string;
  const keys = { admin: '', operator: '', viewer: '' };

  async function call(
    method: string,
    path: string,
    key?: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  beforeAll(async () => {
    const config = loadGatewayConfig({
      ...infra.env,
      LOG_LEVEL: 'warn',
      PLATFORM_API_KEY: PLATFORM_KEY,
      RATE_LIMIT_STORE: 'memory',
      UPSTREAM_RETRIES: '0',
      CLIENT_MASTER_URL: `http://127.0.0.1:${await freePort()}`,
      CONNECTOR_BOOKS_URL: `http://127.0.0.1:${await freePort()}`,
    });
    await runServiceMigrations(gatewayDataSourceOptions(config));
    gateway = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
      logger: ['error'],
      bodyParser: false,
    });
    configureApp(gateway, config);
    await gateway.listen(0, '127.0.0.1');
    url = await gateway.getUrl();
    const firm = await call('POST', '/v1/firms', PLATFORM_KEY, { name: 'Conflict Checks & Co' });
    const firmId = firm.body.id as string;
    keys.admin = (
      await call('POST', `/v1/firms/${firmId}/api-keys`, PLATFORM_KEY, { name: 'admin', role: 'admin' })
    ).body.key as string;
    for (const role of ['operator', 'viewer'] as const) {
      const made = await call('POST', `/v1/firms/${firmId}/api-keys`, keys.admin, { name: role, role });
      expect(made.status).toBe(201);
      keys[role] = made.body.key as string;
    }
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const resolvePath = (id: string = uuidv7()) => `/v1/branch-conflicts/${id}/resolve`;
  const fields = (answer: { body: Record<string, unknown> }) =>
    (answer.body.errors as { field: string; message: string }[]).map((e) => e.field);

  it('a viewer reads conflicts but may not resolve one; no key is a 401', async () => {
    const denied = await call('POST', resolvePath(), keys.viewer, { keep: 'server' });
    expect(denied).toMatchObject({ status: 403 });
    expect((await call('POST', resolvePath(), undefined, { keep: 'server' })).status).toBe(401);
    // Reading passes the role check and reaches connector-books (down here).
    expect((await call('GET', `/v1/branch-conflicts/${uuidv7()}`, keys.viewer)).status).toBe(503);
  });

  it('a resolution is exactly one of keep (client or server) or a merged body object, each field named', async () => {
    const none = await call('POST', resolvePath(), keys.operator, {});
    expect(none.status).toBe(400);
    expect(fields(none)).toEqual(['keep']);
    expect(String(none.body.detail)).toContain('keep');

    const bad = await call('POST', resolvePath(), keys.operator, { keep: 'both' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'keep', message: 'must be "client" or "server"' }]);

    const both = await call('POST', resolvePath(), keys.operator, { keep: 'server', body: { NAME: 'x' } });
    expect(both.status).toBe(400);
    expect(fields(both)).toContain('body');

    const notObject = await call('POST', resolvePath(), keys.operator, { body: 'merged' });
    expect(notObject.status).toBe(400);
    expect(fields(notObject)).toEqual(['body']);

    const unknown = await call('POST', resolvePath(), keys.operator, { keep: 'server', force: true });
    expect(unknown.status).toBe(400);
    expect(fields(unknown)).toContain('force');

    expect((await call('POST', resolvePath('not-a-uuid'), keys.operator, { keep: 'server' })).status).toBe(
      400,
    );
  });

  it('a valid resolution by an operator or admin reaches connector-books (a 503 problem while it is down)', async () => {
    for (const key of [keys.operator, keys.admin]) {
      const down = await call('POST', resolvePath(), key, { keep: 'client' });
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 503 });
    }
    const merged = await call('POST', resolvePath(), keys.operator, { body: { NAME: 'Merged Ledger' } });
    expect(merged.status).toBe(503);
  });

  it('a link’s conflict list checks its query', async () => {
    const bad = await call('GET', `/v1/branch-links/${uuidv7()}/conflicts?status=closed`, keys.viewer);
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['status']);
  });
});
