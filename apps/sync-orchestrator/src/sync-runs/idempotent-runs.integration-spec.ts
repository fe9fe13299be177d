import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { gstinCheckCharacter } from '@practice-sync/contracts';
import { KafkaMessaging } from '@practice-sync/messaging';
import { runServiceMigrations } from '@practice-sync/persistence';
import { testInfra, waitFor } from '@practice-sync/testing';
import { v7 as uuidv7 } from 'uuid';

import type { FakeClient } from '../../test/fake-peers';
import { FakeClientMaster, FakeConnector } from '../../test/fake-peers';
import { AppModule } from '../app.module';
import { loadOrchestratorConfig } from '../config/orchestrator.config';
import { orchestratorDatabaseOptions } from '../database.options';

interface Run {
  id: string;
  finishedAt: string | null;
  totals: Record<string, number>;
}

function clientsOf(n: number): FakeClient[] {
  return Array.from({ length: n }, (_, i) => {
    const pan = `AAIPK${String(1000 + i)}K`;
    const first14 = `27${pan}1Z`;
    return {
      id: uuidv7(),
      name: `Client ${i}`,
      pan,
      gstins: [`${first14}${gstinCheckCharacter(first14)}`],
      esignClientFileId: null,
      tags: [],
    };
  });
}

/**
 * Issue 24: the gateway forwards the client's Idempotency-Key, and the orchestrator creates at most one run
 * per key in a firm — a retry after the gateway died mid-request (with the gateway's own record of the key
 * gone or taken over) gets the run that was created, not a second one. Real PostgreSQL and Kafka; client-master
 * and the connector are fakes.
 */
describe('sync runs created once per Idempotency-Key (sync-orchestrator)', () => {
  const infra = testInfra();
  const clientMaster = new FakeClientMaster();
  let app: INestApplication;
  let base: string;
  let connector: FakeConnector;

  beforeAll(async () => {
    const config = loadOrchestratorConfig({
      ...infra.env,
      KAFKA_TOPIC_PREFIX: `${infra.topicPrefix}orch-idem.`,
      LOG_LEVEL: 'warn',
      CLIENT_MASTER_URL: await clientMaster.start(),
      FAN_OUT_POLL_MS: '100',
      DISPATCH_POLL_MS: '50',
      PROGRESS_INTERVAL_MS: '200',
    });
    await runServiceMigrations(orchestratorDatabaseOptions(config));
    app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/internal/v1/firms`;
    connector = new FakeConnector(app.get(KafkaMessaging));
    await connector.start('test.idem-connector');
  });

  afterAll(async () => {
    await app?.close();
    await clientMaster.stop();
  });

  async function post(path: string, key?: string, body?: unknown): Promise<{ status: number; body: Run }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key) headers['idempotency-key'] = key;
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body ?? {}),
    });
    return { status: res.status, body: (await res.json()) as Run };
  }

  const request = { clients: { all: true }, categories: ['gst.gstr2b'], period: { gst: '042026' } };

  async function runsOf(firmId: string): Promise<Run[]> {
    const res = await fetch(`${base}/${firmId}/sync-runs?limit=100`);
    return ((await res.json()) as { items: Run[] }).items;
  }

  function firm(): string {
    const firmId = uuidv7();
    clientMaster.clients.set(firmId, clientsOf(3));
    return firmId;
  }

  it('answers the same key again with the run it created, not a second run', async () => {
    const firmId = firm();
    const first = await post(`/${firmId}/sync-runs`, 'key-once', request);
    expect(first.status).toBe(202);
    const again = await post(`/${firmId}/sync-runs`, 'key-once', request);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect((await runsOf(firmId)).map((r) => r.id)).toEqual([first.body.id]);
  });

  it('creates one run for concurrent requests with the same key and answers each with it', async () => {
    const firmId = firm();
    const answers = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(() => post(`/${firmId}/sync-runs`, 'key-raced', request)),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202]);
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect((await runsOf(firmId)).map((r) => r.id)).toEqual([...ids]);
  });

  it('keeps keys apart per firm, and creates a run per request without a key', async () => {
    const a = firm();
    const b = firm();
    const inA = await post(`/${a}/sync-runs`, 'key-shared', request);
    const inB = await post(`/${b}/sync-runs`, 'key-shared', request);
    expect(inB.status).toBe(202);
    expect(inB.body.id).not.toBe(inA.body.id);
    await post(`/${a}/sync-runs`, undefined, request);
    await post(`/${a}/sync-runs`, undefined, request);
    expect(await runsOf(a)).toHaveLength(3);
  });

  it('retries a run once per key', async () => {
    const firmId = firm();
    connector.answer = () => ({ outcome: 'failed', errorCode: 'auth_failed', retryable: false });
    const source = await post(`/${firmId}/sync-runs`, undefined, request);
    await waitFor(
      async () => {
        const res = await fetch(`${base}/${firmId}/sync-runs/${source.body.id}`);
        const run = (await res.json()) as Run;
        return run.finishedAt !== null ? run : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, description: 'the source run to finish' },
    );
    connector.answer = () => ({ outcome: 'succeeded' });
    const retried = await Promise.all(
      [1, 2, 3].map(() => post(`/${firmId}/sync-runs/${source.body.id}/retry`, 'key-retry')),
    );
    expect(retried.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(new Set(retried.map((r) => r.body.id)).size).toBe(1);
    expect(await runsOf(firmId)).toHaveLength(2);
    // A key is one request: the retry's key on a new run, or a new run's key on a retry, is a 422.
    const reused = await post(`/${firmId}/sync-runs`, 'key-retry', request);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ type: 'https://practice-sync.dev/problems/idempotency-key-reused' });
    const first = await post(`/${firmId}/sync-runs/${source.body.id}/retry`, 'key-retry-2');
    expect(first.status).toBe(202);
    expect((await post(`/${firmId}/sync-runs/${first.body.id}/retry`, 'key-retry-2')).status).toBe(422);
    expect(await runsOf(firmId)).toHaveLength(3);
  });
});
