import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ProcessLiveness } from '@practice-sync/messaging';
import { runServiceMigrations } from '@practice-sync/persistence';
import type { StackHandle } from '@practice-sync/testing';
import { startStack, testInfra } from '@practice-sync/testing';
import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';

import { AppModule } from '../app.module';
import { loadGatewayConfig } from '../config/gateway.config';
import { gatewayDataSourceOptions } from '../gateway-data-source';
import { configureApp } from '../http/configure-app';
import { requestFingerprint } from './fingerprint';

const PLATFORM_KEY = 'integration-platform-key-0024';
/** An identity no PostgreSQL session has (pid 1 is never a backend): a gateway SIGKILLed mid-request. */
const DEAD_OWNER = 'pg:1:1';

/**
 * Issue 24: a key left "in progress" by a gateway that died mid-request is taken over by the retry, which runs
 * and answers; a key held by a live gateway process still answers 409; a sync run's retry gets the run the dead
 * gateway had created. Real PostgreSQL and Kafka, the real client-master and sync-orchestrator as processes.
 */
describe('idempotency keys left in progress (gateway)', () => {
  const infra = testInfra();
  let gateway: NestExpressApplication;
  let db: DataSource;
  let url: string;
  let peers: StackHandle;

  beforeAll(async () => {
    peers = await startStack({
      services: ['client-master', 'sync-orchestrator'],
      logPrefix: 'gateway-idem-it-',
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
    db = gateway.get<DataSource>(getDataSourceToken());
  });

  afterAll(async () => {
    await gateway?.close();
    await peers?.stop();
  });

  /** A row as a gateway leaves it when it claimed the key and never finished. */
  async function leftInProgress(key: string, body: unknown, owner: string | null): Promise<void> {
    await db.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, owner, expires_at)
       VALUES ('platform', $1, $2, $3, now() + interval '1 day')`,
      [key, requestFingerprint('POST', '/v1/firms', body), owner],
    );
  }

  function createFirm(key: string, body: unknown): Promise<Response> {
    return fetch(`${url}/v1/firms`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${PLATFORM_KEY}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
    });
  }

  async function row(key: string): Promise<{ owner: string | null; response_status: number | null }> {
    const rows: { owner: string | null; response_status: number | null }[] = await db.query(
      `SELECT owner, response_status FROM idempotency_keys WHERE scope = 'platform' AND key = $1`,
      [key],
    );
    return rows[0];
  }

  it('names this process as the holder of the keys it claims', async () => {
    const key = `i24-own-${randomUUID()}`;
    const res = await createFirm(key, { name: 'Own key' });
    expect(res.status).toBe(201);
    expect(await row(key)).toEqual({ owner: gateway.get(ProcessLiveness).id, response_status: 201 });
    expect(gateway.get(ProcessLiveness).id).toMatch(/^pg:\d+:\d+$/);
  });

  it("takes over a dead gateway's key: the retry runs, answers and is replayed after", async () => {
    const key = `i24-dead-${randomUUID()}`;
    const body = { name: 'Taken over' };
    await leftInProgress(key, body, DEAD_OWNER);
    const first = await createFirm(key, body);
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string; name: string };
    expect(created.name).toBe('Taken over');
    const again = await createFirm(key, body);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(created);
    expect(await row(key)).toMatchObject({ response_status: 201 });
  });

  it('takes over a key left in progress before holders were recorded (no owner)', async () => {
    const key = `i24-legacy-${randomUUID()}`;
    const body = { name: 'Legacy row' };
    await leftInProgress(key, body, null);
    expect((await createFirm(key, body)).status).toBe(201);
  });

  it("still answers 409 while the holder is alive, and 422 for another request under a dead holder's key", async () => {
    const live = `i24-live-${randomUUID()}`;
    const body = { name: 'Still running' };
    await leftInProgress(live, body, gateway.get(ProcessLiveness).id);
    const busy = await createFirm(live, body);
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({
      type: 'https://practice-sync.dev/problems/idempotency-key-in-progress',
    });
    expect(await row(live)).toEqual({ owner: gateway.get(ProcessLiveness).id, response_status: null });

    const dead = `i24-other-${randomUUID()}`;
    await leftInProgress(dead, { name: 'First body' }, DEAD_OWNER);
    expect((await createFirm(dead, { name: 'Another body' })).status).toBe(422);
    expect(await row(dead)).toEqual({ owner: DEAD_OWNER, response_status: null });
  });

  it("lets exactly one of several concurrent retries take a dead holder's key over", async () => {
    const key = `i24-race-${randomUUID()}`;
    const body = { name: `Raced ${randomUUID()}` };
    await leftInProgress(key, body, DEAD_OWNER);
    const answers = await Promise.all([1, 2, 3, 4].map(() => createFirm(key, body)));
    const statuses = answers.map((a) => a.status);
    // Every retry either ran it (one), found it running (409) or replayed its answer (201, replayed).
    const ran = answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') !== 'true');
    expect(ran).toHaveLength(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const firms: unknown[] = await db.query('SELECT id FROM firms WHERE name = $1', [body.name]);
    expect(firms).toHaveLength(1);
  });

  it('answers a sync run retried after the gateway died mid-request with the run it had created', async () => {
    const firm = (await (await createFirm(`i24-firm-${randomUUID()}`, { name: 'Crash & Co' })).json()) as {
      id: string;
    };
    const admin = await fetch(`${url}/v1/firms/${firm.id}/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PLATFORM_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', role: 'admin' }),
    });
    const apiKey = ((await admin.json()) as { key: string }).key;
    const asFirm = (path: string, body: unknown, key?: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: JSON.stringify(body),
      });
    expect((await asFirm('/v1/clients', { name: 'Crash Client', pan: 'AAIPC2401K' })).status).toBe(201);

    const key = `i24-run-${randomUUID()}`;
    const runRequest = { clients: { all: true }, categories: ['gst.gstr2b'], period: { gst: '042026' } };
    const first = await asFirm('/v1/sync-runs', runRequest, key);
    expect(first.status).toBe(202);
    const run = (await first.json()) as { id: string };
    // The gateway died after the orchestrator created the run and before it stored the answer.
    await db.query(
      `UPDATE idempotency_keys SET response_status = NULL, response_body = NULL, owner = $2
        WHERE scope = $1 AND key = $3`,
      [firm.id, DEAD_OWNER, key],
    );
    const retried = await asFirm('/v1/sync-runs', runRequest, key);
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(((await retried.json()) as { id: string }).id).toBe(run.id);
    const runs = await fetch(`${url}/v1/sync-runs`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(((await runs.json()) as { items: { id: string }[] }).items.map((r) => r.id)).toEqual([run.id]);
  });
});
