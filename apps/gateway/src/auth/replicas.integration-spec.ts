import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { runServiceMigrations } from '@practice-sync/persistence';
import { freePort, testInfra } from '@practice-sync/testing';

import { AppModule } from '../app.module';
import { loadGatewayConfig } from '../config/gateway.config';
import { gatewayDataSourceOptions } from '../gateway-data-source';
import { configureApp } from '../http/configure-app';

const PLATFORM_KEY = 'integration-platform-key-0026';
const CACHE_SECONDS = 2;
const LIMIT = 40;
const BLOCK = 4;

/**
 * Issue 26: two gateway replicas on one PostgreSQL. A checked API key is cached (no lookup per request), yet a
 * revoked key is refused at once by the replica that revoked it and within API_KEY_CACHE_SECONDS by the other;
 * the rate limit reserves budget in blocks (no write per request), yet stays shared: never more than the limit
 * across both, and a 429 carries Retry-After and the rate-limited problem.
 */
describe('gateway replicas: cached API keys and a block-reserved shared rate limit', () => {
  const infra = testInfra();
  const gateways: NestExpressApplication[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    const config = loadGatewayConfig({
      ...infra.env,
      LOG_LEVEL: 'warn',
      PLATFORM_API_KEY: PLATFORM_KEY,
      // Nothing here calls an internal service.
      CLIENT_MASTER_URL: `http://127.0.0.1:${await freePort()}`,
      SYNC_ORCHESTRATOR_URL: `http://127.0.0.1:${await freePort()}`,
      RATE_LIMIT_STORE: 'postgres',
      RATE_LIMIT_POINTS: String(LIMIT),
      RATE_LIMIT_BLOCK: String(BLOCK),
      API_KEY_CACHE_SECONDS: String(CACHE_SECONDS),
    });
    await runServiceMigrations(gatewayDataSourceOptions(config));
    for (let i = 0; i < 2; i++) {
      const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
        logger: ['error'],
        bodyParser: false,
      });
      configureApp(app, config);
      await app.listen(0, '127.0.0.1');
      gateways.push(app);
      urls.push(await app.getUrl());
    }
  });

  afterAll(async () => {
    for (const app of gateways) await app.close();
  });

  async function call(replica: number, method: string, path: string, key: string, body?: unknown) {
    const res = await fetch(`${urls[replica]}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  }

  async function firmWithAdmin(): Promise<{ firmId: string }> {
    const firm = await call(0, 'POST', '/v1/firms', PLATFORM_KEY, { name: 'Replica & Co' });
    expect(firm.status).toBe(201);
    return { firmId: firm.body.id as string };
  }

  async function newKey(firmId: string): Promise<{ id: string; key: string }> {
    const created = await call(0, 'POST', `/v1/firms/${firmId}/api-keys`, PLATFORM_KEY, {
      name: 'poller',
      role: 'admin',
    });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, key: created.body.key as string };
  }

  it('refuses a revoked key at once on the revoking replica and within the cache TTL on the other', async () => {
    const { firmId } = await firmWithAdmin();
    const doomed = await newKey(firmId);
    const probe = (replica: number) =>
      call(replica, 'GET', `/v1/firms/${firmId}/api-keys?limit=1`, doomed.key);
    // Both replicas have checked (and cached) the key.
    expect((await probe(0)).status).toBe(200);
    expect((await probe(1)).status).toBe(200);
    expect((await probe(1)).status).toBe(200);

    expect((await call(0, 'DELETE', `/v1/firms/${firmId}/api-keys/${doomed.id}`, PLATFORM_KEY)).status).toBe(
      204,
    );
    const refused = await probe(0);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      status: 401,
      detail: 'The API key is unknown or has been revoked.',
    });

    await new Promise((resolve) => setTimeout(resolve, CACHE_SECONDS * 1000 + 500));
    expect((await probe(1)).status).toBe(401);
    expect((await probe(0)).status).toBe(401);
  });

  it('shares the budget across replicas: never more than the limit, then 429 with Retry-After', async () => {
    const { firmId } = await firmWithAdmin();
    const { key } = await newKey(firmId);
    const answers = [];
    for (let sent = 0; sent < LIMIT + 20; sent += 10) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            call(i % 2, 'GET', `/v1/firms/${firmId}/api-keys?limit=1`, key),
          ),
        )),
      );
    }
    const allowed = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    expect(allowed.length + limited.length).toBe(answers.length);
    expect(allowed.length).toBeLessThanOrEqual(LIMIT);
    // Each replica may hold at most a block minus one it never spends.
    expect(allowed.length).toBeGreaterThanOrEqual(LIMIT - 2 * (BLOCK - 1));
    expect(allowed[0].headers.get('ratelimit-limit')).toBe(String(LIMIT));
    expect(Number(allowed[0].headers.get('ratelimit-remaining'))).toBeLessThan(LIMIT);
    const retryAfter = Number(limited[0].headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited[0].headers.get('content-type')).toContain('application/problem+json');
    expect(limited[0].body).toMatchObject({ status: 429, type: expect.stringContaining('rate-limited') });

    // Another key of the same firm has its own budget.
    const other = await newKey(firmId);
    expect((await call(1, 'GET', `/v1/firms/${firmId}/api-keys?limit=1`, other.key)).status).toBe(200);
  });
});
