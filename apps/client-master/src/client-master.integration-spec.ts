import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ClientStatusChanged, Envelope, SyncJobCompleted } from '@practice-sync/contracts';
import {
  ClientStatusChangedEvent,
  createEnvelope,
  SyncJobCompletedEvent,
  Topics,
} from '@practice-sync/contracts';
import { KafkaMessaging } from '@practice-sync/messaging';
import { runServiceMigrations } from '@practice-sync/persistence';
import { testInfra, waitFor } from '@practice-sync/testing';
import { v7 as uuidv7 } from 'uuid';

import { AppModule } from './app.module';
import { clientMasterDataSourceOptions } from './client-master-data-source';
import { loadClientMasterConfig } from './config/client-master.config';
import { configureApp } from './configure-app';

/** client-master alone, on real PostgreSQL and Kafka: its internal HTTP API and its results consumer. */
describe('client-master', () => {
  const infra = testInfra();
  const config = loadClientMasterConfig({ ...infra.env, LOG_LEVEL: 'warn', KAFKA_PARTITIONS: '2' });
  let app: NestExpressApplication;
  let base: string;
  const firmId = uuidv7();
  const otherFirmId = uuidv7();
  const announced: Envelope<ClientStatusChanged>[] = [];

  beforeAll(async () => {
    await runServiceMigrations(clientMasterDataSourceOptions(config));
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { logger: ['error'] });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/internal/v1/firms`;
    // Another system listening to client events, to see what client-master announces.
    await app.get(KafkaMessaging).consume({
      groupId: 'test.client-events',
      topics: [Topics.ClientEvents],
      contracts: [ClientStatusChangedEvent],
      handle: async (e) => void announced.push(e as Envelope<ClientStatusChanged>),
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  type Client = { id: string; name: string; pan: string | null; gstins: string[]; tags: string[] };
  type ClientPage = { items: Client[]; nextCursor: string | null };

  async function createClient(firm: string, body: Record<string, unknown>): Promise<Client> {
    const res = await call('POST', `/${firm}/clients`, body);
    expect(res.status).toBe(201);
    return res.body as Client;
  }

  it('creates clients and refuses a second client with the same PAN in a firm', async () => {
    const client = await createClient(firmId, {
      name: 'Reliance Traders',
      pan: 'AAACR5055K',
      gstins: ['27AAACR5055K1Z7', '27AAACR5055K1Z7'],
      tags: ['gst-monthly'],
      office: 'Mumbai',
    });
    expect(client).toMatchObject({
      pan: 'AAACR5055K',
      gstins: ['27AAACR5055K1Z7'],
      tan: null,
      esignClientFileId: null,
    });

    const duplicate = await call('POST', `/${firmId}/clients`, { name: 'Again', pan: 'AAACR5055K' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ status: 409, detail: expect.stringContaining('AAACR5055K') });

    // Another firm may have a client with the same PAN, and cannot see this firm's client.
    await createClient(otherFirmId, { name: 'Same PAN elsewhere', pan: 'AAACR5055K' });
    expect((await call('GET', `/${otherFirmId}/clients/${client.id}`)).status).toBe(404);
    expect((await call('GET', `/${firmId}/clients/${client.id}`)).body).toEqual(client);
  });

  it('pages through clients in id order and filters by tag, office and search term', async () => {
    for (const n of [1, 2, 3])
      await createClient(firmId, {
        name: `Pune client ${n}`,
        tan: `PNEA1234${n}B`,
        office: 'Pune',
        tags: ['itr'],
      });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = (await call('GET', `/${firmId}/clients${query}`)).body as ClientPage;
      seen.push(...page.items.map((c) => c.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Reliance Traders', 'Pune client 1', 'Pune client 2', 'Pune client 3']);

    const names = async (query: string) =>
      ((await call('GET', `/${firmId}/clients?${query}`)).body as ClientPage).items.map((c) => c.name);
    expect(await names('tag=gst-monthly')).toEqual(['Reliance Traders']);
    expect(await names('office=Pune&q=client%202')).toEqual(['Pune client 2']);
    expect(await names('q=27AAACR5055K1Z7')).toEqual(['Reliance Traders']);
    expect((await call('GET', `/${firmId}/clients?cursor=nonsense`)).status).toBe(400);
  });

  it('resolves a selection a page at a time', async () => {
    const select = async (selection: unknown, limit = 100, cursor: string | null = null) =>
      (await call('POST', `/${firmId}/clients/select`, { selection, limit, cursor })).body as ClientPage;
    expect((await select({ all: true })).items).toHaveLength(4);
    expect((await select({ tags: ['itr', 'nothing'] })).items).toHaveLength(3);
    expect((await select({ offices: ['Mumbai'] })).items.map((c) => c.name)).toEqual(['Reliance Traders']);
    const first = await select({ offices: ['Pune'] }, 2);
    const second = await select({ offices: ['Pune'] }, 2, first.nextCursor);
    expect([...first.items, ...second.items].map((c) => c.name)).toEqual([
      'Pune client 1',
      'Pune client 2',
      'Pune client 3',
    ]);
    expect(second.nextCursor).toBeNull();
    expect(
      (await call('POST', `/${firmId}/clients/select`, { selection: { all: true, tags: ['x'] } })).status,
    ).toBe(400);
  });

  it('keeps the status grid from job results, once per event, newest result winning, and announces changes', async () => {
    const client = ((await call('GET', `/${firmId}/clients?tag=gst-monthly`)).body as ClientPage).items[0];
    const runId = uuidv7();
    const result = (outcome: 'succeeded' | 'failed', finishedAt: string): Envelope<SyncJobCompleted> =>
      createEnvelope(
        SyncJobCompletedEvent,
        {
          jobId: uuidv7(),
          runId,
          clientId: client.id,
          category: 'gst.gstr2b',
          subject: { kind: 'gstin', value: '27AAACR5055K1Z7' },
          period: '042025',
          attempt: 1,
          outcome,
          errorCode: outcome === 'failed' ? 'not_generated_yet' : null,
          errorMessage: outcome === 'failed' ? 'GSTR-2B for 042025 is not generated yet.' : null,
          retryable: false,
          counts: { added: outcome === 'succeeded' ? 3 : 0, updated: 0, removed: 0, unchanged: 0 },
          startedAt: '2026-01-01T10:00:00.000Z',
          finishedAt,
        },
        { firmId, correlationId: runId },
      );
    const success = result('succeeded', '2026-01-01T10:05:00.000Z');
    const staleFailure = result('failed', '2026-01-01T10:01:00.000Z');
    const withoutPeriod = createEnvelope(
      SyncJobCompletedEvent,
      {
        ...result('failed', '2026-01-01T10:02:00.000Z').data,
        category: 'itr.returns',
        subject: { kind: 'pan', value: 'AAACR5055K' },
        period: null,
        errorCode: 'credentials_missing',
        errorMessage: 'No e-filing access.',
      },
      { firmId, correlationId: runId },
    );
    const publish = (e: Envelope<SyncJobCompleted>) => ({ contract: SyncJobCompletedEvent, envelope: e });
    await app
      .get(KafkaMessaging)
      .publisher.publish([success, success, staleFailure, withoutPeriod].map(publish));

    type Cell = {
      category: string;
      period: string | null;
      lastOutcome: string;
      lastErrorCode: string | null;
      lastSuccessAt: string | null;
    };
    const cells = await waitFor(
      async () => {
        const items = (
          (await call('GET', `/${firmId}/clients/${client.id}/status`)).body as { items: Cell[] }
        ).items;
        return items.length === 2 ? items : null;
      },
      { timeoutMs: 30_000, description: 'two status cells' },
    );
    expect(cells).toEqual([
      expect.objectContaining({
        category: 'gst.gstr2b',
        period: '042025',
        lastOutcome: 'succeeded',
        lastErrorCode: null,
        lastSuccessAt: '2026-01-01T10:05:00.000Z',
      }),
      expect.objectContaining({
        category: 'itr.returns',
        period: null,
        lastOutcome: 'failed',
        lastErrorCode: 'credentials_missing',
        lastSuccessAt: null,
      }),
    ]);

    const events = await waitFor(() => (announced.length >= 2 ? announced : null), {
      timeoutMs: 30_000,
      description: 'client.status.changed events',
    });
    // The duplicate delivery and the stale result change nothing, so exactly two announcements.
    await new Promise((r) => setTimeout(r, 1000));
    expect(events.map((e) => [e.data.category, e.data.outcome, e.causationId])).toEqual(
      expect.arrayContaining([
        ['gst.gstr2b', 'succeeded', success.id],
        ['itr.returns', 'failed', withoutPeriod.id],
      ]),
    );
    expect(announced).toHaveLength(2);
    expect(announced.every((e) => e.firmId === firmId && e.correlationId === runId)).toBe(true);
    expect((await call('GET', `/${otherFirmId}/clients/${client.id}/status`)).status).toBe(404);
  });
});
