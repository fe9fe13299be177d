import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type {
  ClientNoticeDetected,
  ClientRecordsChanged,
  ClientStatusChanged,
  Envelope,
  RecordChange,
  SyncJobCompleted,
} from '@practice-sync/contracts';
import {
  ClientCreatedEvent,
  ClientDeletedEvent,
  ClientNoticeDetectedEvent,
  ClientNoticeUpdatedEvent,
  ClientRecordsChangedEvent,
  ClientStatusChangedEvent,
  ClientUpdatedEvent,
  createEnvelope,
  SyncJobCompletedEvent,
  Topics,
} from '@practice-sync/contracts';
import { KafkaMessaging } from '@practice-sync/messaging';
import { METRICS_REGISTRY } from '@practice-sync/observability';
import { runServiceMigrations } from '@practice-sync/persistence';
import { testInfra, waitFor } from '@practice-sync/testing';
import type { Registry } from 'prom-client';
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
  const otherEvents: Envelope<unknown>[] = [];

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
      contracts: [
        ClientStatusChangedEvent,
        ClientCreatedEvent,
        ClientUpdatedEvent,
        ClientDeletedEvent,
        ClientNoticeDetectedEvent,
        ClientNoticeUpdatedEvent,
      ],
      handle: async (e) => {
        if (e.type === ClientStatusChangedEvent.type) announced.push(e as Envelope<ClientStatusChanged>);
        else otherEvents.push(e);
      },
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
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as unknown };
  }

  type Client = {
    id: string;
    name: string;
    pan: string | null;
    gstins: string[];
    esignClientFileId?: string | null;
    tags: string[];
  };
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

  it('matches tags and offices whatever their case, and names what selects nobody', async () => {
    const select = async (selection: unknown) =>
      ((await call('POST', `/${firmId}/clients/select`, { selection, limit: 100 })).body as ClientPage).items;
    expect(await select({ offices: ['PUNE'] })).toHaveLength(3);
    expect(await select({ tags: ['ITR'] })).toHaveLength(3);
    expect(await select({ tags: ['GST-Monthly'] })).toHaveLength(1);
    const names = async (query: string) =>
      ((await call('GET', `/${firmId}/clients?${query}`)).body as ClientPage).items.map((c) => c.name);
    expect(await names('office=mumbai')).toEqual(['Reliance Traders']);
    expect(await names('tag=GST-MONTHLY')).toEqual(['Reliance Traders']);

    const unmatched = async (selection: unknown) =>
      (await call('POST', `/${firmId}/clients/select/unmatched`, { selection })).body;
    expect(await unmatched({ all: true })).toEqual({ unmatched: [] });
    expect(await unmatched({ tags: ['itr', 'nothing', 'ITR', 'nothing'] })).toEqual({
      unmatched: ['nothing'],
    });
    expect(await unmatched({ offices: ['pune', 'Nagpur'] })).toEqual({ unmatched: ['Nagpur'] });
    // A client of another firm is reported exactly like an id that exists nowhere.
    const elsewhere = await createClient(otherFirmId, { name: 'Other firm', tan: 'PNEA99999B' });
    const mine = (await select({ all: true }))[0].id;
    const missing = uuidv7();
    expect(await unmatched({ ids: [mine, elsewhere.id, missing, 'not-a-uuid'] })).toEqual({
      unmatched: [elsewhere.id, missing, 'not-a-uuid'],
    });
  });

  it('refuses text PostgreSQL cannot store with a 422 naming the field', async () => {
    const res = await call('POST', `/${firmId}/clients`, { name: 'Bad\u0000Name', tan: 'PNEA77777B' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      type: 'https://practice-sync.dev/problems/unstorable-text',
      errors: [{ field: 'name', message: expect.stringContaining('NUL') }],
    });
    const query = await call('GET', `/${firmId}/clients?q=a%00b`);
    expect(query.status).toBe(422);
    expect(query.body).toMatchObject({ errors: [{ field: 'query.q' }] });
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

    // A newer failure takes the cell but keeps the last success, and is announced.
    const laterFailure = result('failed', '2026-01-01T10:06:00.000Z');
    await app.get(KafkaMessaging).publisher.publish([publish(laterFailure)]);
    const failedCell = await waitFor(
      async () => {
        const items = (
          (await call('GET', `/${firmId}/clients/${client.id}/status`)).body as { items: Cell[] }
        ).items;
        return items.find((c) => c.category === 'gst.gstr2b' && c.lastOutcome === 'failed') ?? null;
      },
      { timeoutMs: 30_000, description: 'the GSTR-2B cell to fail' },
    );
    expect(failedCell).toMatchObject({
      lastErrorCode: 'not_generated_yet',
      lastSuccessAt: '2026-01-01T10:05:00.000Z',
    });
    await waitFor(() => (announced.length >= 3 ? announced : null), {
      timeoutMs: 30_000,
      description: 'the third client.status.changed event',
    });
    expect(announced[2].data).toMatchObject({
      category: 'gst.gstr2b',
      outcome: 'failed',
      lastSuccessAt: '2026-01-01T10:05:00.000Z',
    });
    expect((await call('GET', `/${otherFirmId}/clients/${client.id}/status`)).status).toBe(404);

    // The firm-wide grid: client × category with the client's name, filtered and paged.
    type GridPage = { items: (Cell & { clientId: string; clientName: string })[]; nextCursor: string | null };
    const grid = async (query: string) => (await call('GET', `/${firmId}/status${query}`)).body as GridPage;
    const whole = await grid('');
    expect(whole.items.map((c) => [c.clientName, c.category, c.lastOutcome, c.lastSuccessAt])).toEqual([
      [client.name, 'gst.gstr2b', 'failed', '2026-01-01T10:05:00.000Z'],
      [client.name, 'itr.returns', 'failed', null],
    ]);
    expect((await grid('?category=itr.returns')).items.map((c) => c.category)).toEqual(['itr.returns']);
    expect((await grid('?outcome=succeeded')).items).toEqual([]);
    const first = await grid('?limit=1');
    expect(first.items.map((c) => c.category)).toEqual(['gst.gstr2b']);
    const second = await grid(`?limit=1&cursor=${first.nextCursor ?? ''}`);
    expect(second).toMatchObject({ items: [{ category: 'itr.returns' }], nextCursor: null });
    expect((await call('GET', `/${firmId}/status?category=gst.bogus`)).status).toBe(400);
    expect((await call('GET', `/${firmId}/status?cursor=nonsense`)).status).toBe(400);
    expect(((await call('GET', `/${otherFirmId}/status`)).body as GridPage).items).toEqual([]);

    // no_data is a completed fetch: it takes the cell and sets the last success. A later partial result does
    // not: its failed parts are the error, the last success stays at the no_data fetch.
    const noData = createEnvelope(
      SyncJobCompletedEvent,
      {
        ...result('succeeded', '2026-01-01T10:07:00.000Z').data,
        outcome: 'no_data',
        errorMessage: 'nothing on the portal for this period',
        counts: { added: 0, updated: 0, removed: 0, unchanged: 0 },
      },
      { firmId, correlationId: runId },
    );
    const partial = createEnvelope(
      SyncJobCompletedEvent,
      {
        ...result('succeeded', '2026-01-01T10:08:00.000Z').data,
        category: 'itr.ais_tis_26as',
        subject: { kind: 'pan', value: 'AAACR5055K' },
        period: '2025-26',
        outcome: 'partial',
        errorCode: 'portal_unavailable',
        errorMessage: 'kept AIS (2 records), TIS (1 record); 26AS failed: TRACES could not prepare the file',
        retryable: true,
        parts: [
          {
            name: 'AIS',
            status: 'fetched',
            records: 2,
            errorCode: null,
            errorMessage: null,
            retryable: false,
          },
          {
            name: 'TIS',
            status: 'fetched',
            records: 1,
            errorCode: null,
            errorMessage: null,
            retryable: false,
          },
          {
            name: '26AS',
            status: 'failed',
            records: 0,
            errorCode: 'portal_unavailable',
            errorMessage: 'TRACES could not prepare the file',
            retryable: true,
          },
        ],
      },
      { firmId, correlationId: runId },
    );
    await app.get(KafkaMessaging).publisher.publish([publish(noData), publish(partial)]);
    const latest = await waitFor(
      async () => {
        const items = (
          (await call('GET', `/${firmId}/clients/${client.id}/status`)).body as { items: Cell[] }
        ).items;
        const twoB = items.find((c) => c.category === 'gst.gstr2b' && c.lastOutcome === 'no_data');
        const statements = items.find((c) => c.category === 'itr.ais_tis_26as');
        return twoB && statements ? { twoB, statements } : null;
      },
      { timeoutMs: 30_000, description: 'the no_data and partial cells' },
    );
    expect(latest.twoB).toMatchObject({ lastErrorCode: null, lastSuccessAt: '2026-01-01T10:07:00.000Z' });
    expect(latest.statements).toMatchObject({
      lastOutcome: 'partial',
      lastErrorCode: 'portal_unavailable',
      lastSuccessAt: null,
    });
  });

  it("lists the firm's portal identifiers once each, with a client's name", async () => {
    const body = (await call('GET', `/${firmId}/identifiers`)).body as {
      items: { kind: string; value: string; clientName: string }[];
    };
    const clients = ((await call('GET', `/${firmId}/clients?limit=1000`)).body as ClientPage).items;
    const expected = new Set<string>();
    for (const c of clients) {
      for (const g of c.gstins) expected.add(`gstin|${g}`);
      if (c.pan) expected.add(`pan|${c.pan}`);
      if (c.esignClientFileId) expected.add(`esignClientFileId|${c.esignClientFileId}`);
    }
    expect(body.items.map((i) => `${i.kind}|${i.value}`).sort()).toEqual([...expected].sort());
    expect(body.items.every((i) => clients.some((c) => c.name === i.clientName))).toBe(true);
  });

  it('updates, deletes and bulk-upserts clients, announcing each change on client.events.v1', async () => {
    const client = await createClient(firmId, { name: 'Patch Me', pan: 'PQRPT1234K', tags: ['a'] });
    const patched = await call('PATCH', `/${firmId}/clients/${client.id}`, { name: 'Patched', office: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Patched', pan: 'PQRPT1234K', office: null, tags: ['a'] });
    const taken = await call('PATCH', `/${firmId}/clients/${client.id}`, { pan: 'AAACR5055K' });
    expect(taken.status).toBe(409);

    const bulk = await call('POST', `/${firmId}/clients/bulk`, {
      rows: [
        { row: 2, client: { name: 'By PAN', pan: 'PQRPT1234K', tags: ['csv'] } },
        { row: 3, client: { name: 'New one', gstins: ['29ABCDE1234F1Z5'] } },
        { row: 4, client: { name: 'Same GSTIN', gstins: ['29ABCDE1234F1Z5'], office: 'Blr' } },
      ],
    });
    expect(bulk.status).toBe(200);
    const items = (bulk.body as { items: { row: number; status: string; id?: string }[] }).items;
    expect(items.map((i) => [i.row, i.status])).toEqual([
      [2, 'updated'],
      [3, 'created'],
      [4, 'updated'],
    ]);
    expect(items[0].id).toBe(client.id);
    expect(items[2].id).toBe(items[1].id);

    expect((await call('DELETE', `/${firmId}/clients/${client.id}`)).status).toBe(204);
    expect((await call('GET', `/${firmId}/clients/${client.id}`)).status).toBe(404);
    expect((await call('DELETE', `/${firmId}/clients/${client.id}`)).status).toBe(404);

    const types = await waitFor(
      () => {
        const mine = otherEvents.filter((e) => JSON.stringify(e.data).includes(client.id));
        return mine.length >= 4 ? mine.map((e) => e.type) : null;
      },
      { timeoutMs: 30_000, description: 'client lifecycle events' },
    );
    expect(types).toEqual(['client.created', 'client.updated', 'client.updated', 'client.deleted']);
  });

  it('stores records by natural key, keeps the change feed, detects new notices, and applies each chunk once', async () => {
    const client = await createClient(firmId, {
      name: 'Notice Co',
      pan: 'NOTCE1234K',
      gstins: ['27NOTCE1234K1Z5'],
    });
    const subject = { kind: 'gstin' as const, value: '27NOTCE1234K1Z5' };
    const chunk = (runId: string, changes: RecordChange[]) =>
      createEnvelope(
        ClientRecordsChangedEvent,
        {
          jobId: uuidv7(),
          runId,
          clientId: client.id,
          category: 'gst.notices_return_register',
          subject,
          period: null,
          attempt: 1,
          chunk: { index: 0, count: 1 },
          changes,
        } satisfies ClientRecordsChanged,
        { firmId, correlationId: runId },
      );
    const notice = (arn: string, due: string) => ({
      naturalKey: `${subject.value}|notice|${arn}`,
      change: 'added' as const,
      hash: `h-${arn}-${due}`,
      data: { gstin: subject.value, kind: 'notice', arn, noticeType: 'ASMT-10', dueDateOfReply: due },
    });
    const filing = {
      naturalKey: `${subject.value}|filing|GSTR3B|042026`,
      change: 'added' as const,
      hash: 'h-filing',
      data: { kind: 'filing', arn: 'AA1', status: 'Filed' },
    };
    const publish = (events: Envelope<ClientRecordsChanged>[]) =>
      app
        .get(KafkaMessaging)
        .publisher.publish(events.map((e) => ({ contract: ClientRecordsChangedEvent, envelope: e })));

    const first = chunk(uuidv7(), [notice('N1', '2026-05-30'), filing]);
    await publish([first, first]);
    type Rec = { naturalKey: string; version: number; removedAt: string | null; data: unknown };
    type Chg = { naturalKey: string; change: string; runId: string; at: string };
    const records = async () =>
      ((await call('GET', `/${firmId}/clients/${client.id}/records?limit=100`)).body as { items: Rec[] })
        .items;
    const changes = async (q = '') =>
      ((await call('GET', `/${firmId}/clients/${client.id}/changes?limit=100${q}`)).body as { items: Chg[] })
        .items;
    await waitFor(async () => ((await records()).length === 2 ? true : null), {
      timeoutMs: 30_000,
      description: 'two records',
    });
    const firstFeed = await changes();
    expect(firstFeed.map((c) => c.change)).toEqual(['added', 'added']);

    // A second run: N1 updated, the filing gone, N2 new; plus a re-published chunk of the same changes.
    const runId = uuidv7();
    const second = chunk(runId, [
      { ...notice('N1', '2026-06-15'), change: 'updated' },
      { naturalKey: filing.naturalKey, change: 'removed', hash: null, data: null },
      notice('N2', '2026-07-01'),
    ]);
    const again = createEnvelope(
      ClientRecordsChangedEvent,
      { ...second.data, jobId: uuidv7() },
      { firmId, correlationId: runId },
    );
    await publish([second]);
    await waitFor(async () => ((await changes()).length === 5 ? true : null), {
      timeoutMs: 30_000,
      description: 'five changes',
    });
    await publish([again]);
    await new Promise((r) => setTimeout(r, 1500));

    const since = firstFeed[firstFeed.length - 1].at;
    const newer = await changes(`&since=${encodeURIComponent(since)}`);
    expect(newer.map((c) => [c.naturalKey.split('|').slice(1).join('|'), c.change])).toEqual([
      ['notice|N1', 'updated'],
      ['filing|GSTR3B|042026', 'removed'],
      ['notice|N2', 'added'],
    ]);
    expect(newer.every((c) => c.runId === runId)).toBe(true);
    const byKey = new Map((await records()).map((r) => [r.naturalKey.split('|').slice(1).join('|'), r]));
    expect(byKey.get('notice|N1')).toMatchObject({ version: 2, removedAt: null });
    expect(byKey.get('filing|GSTR3B|042026')).toMatchObject({ version: 2, data: null });
    expect(byKey.get('filing|GSTR3B|042026')?.removedAt).not.toBeNull();
    expect(byKey.get('notice|N2')).toMatchObject({ version: 1 });

    const notices = await waitFor(
      () => {
        const n = otherEvents.filter(
          (e): e is Envelope<ClientNoticeDetected> =>
            e.type === ClientNoticeDetectedEvent.type &&
            (e.data as ClientNoticeDetected).clientId === client.id,
        );
        return n.length >= 2 ? n : null;
      },
      { timeoutMs: 30_000, description: 'new-notice events' },
    );
    await new Promise((r) => setTimeout(r, 500));
    // One per new notice (N1 when first seen, N2): not for the update, the filing, or the redeliveries.
    expect(
      otherEvents.filter(
        (e) => e.type === ClientNoticeDetectedEvent.type && JSON.stringify(e.data).includes(client.id),
      ),
    ).toHaveLength(2);
    expect(notices.map((n) => [n.data.noticeId, n.data.section, n.data.dueDate])).toEqual([
      ['N1', 'ASMT-10', '2026-05-30'],
      ['N2', 'ASMT-10', '2026-07-01'],
    ]);
    expect((await call('GET', `/${otherFirmId}/clients/${client.id}/records`)).status).toBe(404);
    // The feed's metric counts each change once, redeliveries and re-published chunks included.
    const metric = await app
      .get<Registry>(METRICS_REGISTRY)
      .getSingleMetric('client_master_record_changes_total')
      ?.get();
    const counted = (metric?.values ?? []).filter(
      (v) => v.labels['category'] === 'gst.notices_return_register',
    );
    expect(Object.fromEntries(counted.map((v) => [v.labels['change'], v.value]))).toEqual({
      added: 3,
      updated: 1,
      removed: 1,
    });

    // A later successful fetch of the cell saw every stored record it did not report: "last seen" moves to its
    // finish; a failed fetch saw nothing, and a removed record is not seen.
    const lastSeen = async () =>
      new Map(
        (await records()).map((r) => [
          r.naturalKey.split('|').slice(1).join('|'),
          (r as Rec & { lastSeenAt: string }).lastSeenAt,
        ]),
      );
    const before = await lastSeen();
    const resultAt = (outcome: 'no_change' | 'failed', finishedAt: string) =>
      createEnvelope(
        SyncJobCompletedEvent,
        {
          jobId: uuidv7(),
          runId,
          clientId: client.id,
          category: 'gst.notices_return_register',
          subject,
          period: null,
          attempt: 1,
          outcome,
          errorCode: outcome === 'failed' ? 'portal_unavailable' : null,
          errorMessage: outcome === 'failed' ? 'The portal is down.' : null,
          retryable: false,
          counts: { added: 0, updated: 0, removed: 0, unchanged: 2 },
          startedAt: '2030-01-01T09:59:00.000Z',
          finishedAt,
        } satisfies SyncJobCompleted,
        { firmId, correlationId: runId },
      );
    await app.get(KafkaMessaging).publisher.publish([
      { contract: SyncJobCompletedEvent, envelope: resultAt('no_change', '2030-01-01T10:00:00.000Z') },
      { contract: SyncJobCompletedEvent, envelope: resultAt('failed', '2030-01-01T11:00:00.000Z') },
    ]);
    const seen = await waitFor(
      async () => {
        const now = await lastSeen();
        return now.get('notice|N2') === '2030-01-01T10:00:00.000Z' ? now : null;
      },
      { timeoutMs: 30_000, description: 'last seen moved by the successful result' },
    );
    await new Promise((r) => setTimeout(r, 1000)); // the failed result after it must not move anything
    expect(Object.fromEntries(await lastSeen())).toEqual({
      'notice|N1': '2030-01-01T10:00:00.000Z',
      'notice|N2': '2030-01-01T10:00:00.000Z',
      'filing|GSTR3B|042026': before.get('filing|GSTR3B|042026'),
    });
    expect(seen.get('filing|GSTR3B|042026')).not.toBe('2030-01-01T10:00:00.000Z');
  });
});
