import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Category, ClientRecordsChanged, Envelope, RecordChange } from '@practice-sync/contracts';
import { ALL_EVENTS, ClientRecordsChangedEvent, createEnvelope, Topics } from '@practice-sync/contracts';
import { KafkaMessaging } from '@practice-sync/messaging';
import { runServiceMigrations } from '@practice-sync/persistence';
import { callJson, testInfra, waitFor } from '@practice-sync/testing';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { AppModule } from '../app.module';
import { clientMasterDataSourceOptions } from '../client-master-data-source';
import { loadClientMasterConfig } from '../config/client-master.config';
import { configureApp } from '../configure-app';
import { CreateNotices1765019000000 } from '../migrations/1765019000000-CreateNotices';

interface NoticeEvent {
  type: string;
  data: {
    clientId: string;
    noticeId: string;
    period: string | null;
    status: string;
    dueDate: string | null;
    issuedOn: string | null;
    portalDates: { dueDate: string | null; issuedOn: string | null };
    previous?: { status: string; dueDate: string | null };
  };
}
interface Notice {
  id: string;
  client: { id: string; name: string };
  noticeId: string;
  section: string | null;
  status: string;
  issuedOn: string | null;
  dueDate: string | null;
  portalDates: { dueDate: string | null; issuedOn: string | null };
  source: { portal: string; category: string; subject: { kind: string; value: string }; firstPeriod: string };
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Notices on real PostgreSQL and Kafka: one per client and notice id whatever period fetched it, announced
 * once when first seen open, never when first seen closed; the firm-wide view by due date.
 */
describe('client-master notices', () => {
  const infra = testInfra();
  const config = loadClientMasterConfig({ ...infra.env, LOG_LEVEL: 'warn', KAFKA_PARTITIONS: '2' });
  let app: NestExpressApplication;
  let base: string;
  const firmId = uuidv7();
  const events: NoticeEvent[] = [];

  beforeAll(async () => {
    await runServiceMigrations(clientMasterDataSourceOptions(config));
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { logger: ['error'] });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/internal/v1/firms/${firmId}`;
    await app.get(KafkaMessaging).consume({
      groupId: 'test.notice-events',
      topics: [Topics.ClientEvents],
      contracts: ALL_EVENTS.filter((c) => c.topics.includes(Topics.ClientEvents)),
      handle: async (e) => {
        if (e.type.startsWith('client.notice.')) events.push(e as unknown as NoticeEvent);
      },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  const call = <T>(method: string, path: string, body?: unknown) =>
    callJson<T>(method, `${base}${path}`, body);

  const gstin = '27NOTCF1234K1Z4';
  const pan = 'NOTCF1234K';
  let clientId: string;

  function chunk(
    category: Category,
    period: string,
    changes: RecordChange[],
  ): Envelope<ClientRecordsChanged> {
    const runId = uuidv7();
    const subject =
      category === 'itr.notices_orders'
        ? { kind: 'pan' as const, value: pan }
        : { kind: 'gstin' as const, value: gstin };
    return createEnvelope(
      ClientRecordsChangedEvent,
      {
        jobId: uuidv7(),
        runId,
        clientId,
        category,
        subject,
        period,
        attempt: 1,
        chunk: { index: 0, count: 1 },
        changes,
      },
      { firmId, correlationId: runId },
    );
  }
  const gstNotice = (arn: string, status: string, due: string, issued = '01-04-2026'): RecordChange => ({
    naturalKey: `${gstin}|notice|${arn}`,
    change: 'added',
    hash: `h-${arn}-${status}-${due}`,
    data: {
      gstin,
      kind: 'notice',
      arn,
      noticeType: 'ASMT-10',
      dateOfIssue: issued,
      dueDateOfReply: due,
      status,
    },
  });
  const filing = (period: string): RecordChange => ({
    naturalKey: `${gstin}|rettrack|GSTR3B|${period}|AA${period}`,
    change: 'added',
    hash: `h-filing-${period}`,
    data: { gstin, kind: 'filing', rtntype: 'GSTR3B', ret_prd: period, arn: `AA${period}`, status: 'Filed' },
  });
  const publish = (...envelopes: Envelope<ClientRecordsChanged>[]) =>
    app
      .get(KafkaMessaging)
      .publisher.publish(envelopes.map((envelope) => ({ contract: ClientRecordsChangedEvent, envelope })));
  const mine = () => events.filter((e) => e.data.clientId === clientId);
  const settle = () => new Promise((r) => setTimeout(r, 1500));

  it('announces a notice once across two periods, and a notice first seen closed never', async () => {
    const created = await call<{ id: string }>('POST', '/clients', {
      name: 'Notices Co',
      pan,
      gstins: [gstin],
    });
    expect(created.status).toBe(201);
    clientId = created.body.id;

    // The GST notices list is the same whatever the period: both periods' fetches carry N1 (open) and C1
    // (closed); the return register is per period. The first chunk is delivered twice.
    const april = chunk('gst.notices_return_register', '042026', [
      gstNotice('N1', 'Open', '30-05-2026'),
      gstNotice('C1', 'Closed', '15-01-2026'),
      filing('042026'),
    ]);
    await publish(april, april);
    await waitFor(() => (mine().length >= 1 ? true : null), {
      timeoutMs: 30_000,
      description: 'N1 detected',
    });
    const may = chunk('gst.notices_return_register', '052026', [
      gstNotice('N1', 'Open', '30-05-2026'),
      gstNotice('C1', 'Closed', '15-01-2026'),
      filing('052026'),
    ]);
    await publish(may, may);
    await waitFor(
      async () => {
        const r = await call<Page<unknown>>('GET', `/clients/${clientId}/records?period=052026`);
        return r.body.items.length === 3 ? true : null;
      },
      { timeoutMs: 30_000, description: 'the May records stored' },
    );
    await settle();

    expect(
      mine().map((e) => [e.type, e.data.noticeId, e.data.period, e.data.status, e.data.dueDate]),
    ).toEqual([['client.notice.detected', 'N1', '042026', 'open', '2026-05-30']]);
    expect(mine()[0].data).toMatchObject({
      issuedOn: '2026-04-01',
      portalDates: { dueDate: '30-05-2026', issuedOn: '01-04-2026' },
    });
    // The records store keeps each period's fetch (the return register is per period); notices are one each.
    const db = app.get(DataSource);
    expect(
      await db.query(
        'SELECT notice_id, status, first_period FROM notices WHERE client_id = $1 ORDER BY notice_id',
        [clientId],
      ),
    ).toEqual([
      { notice_id: 'C1', status: 'closed', first_period: '042026' },
      { notice_id: 'N1', status: 'open', first_period: '042026' },
    ]);

    const open = await call<Page<Notice>>('GET', `/notices?clientId=${clientId}`);
    expect(open.status).toBe(200);
    expect(open.body.items).toEqual([
      expect.objectContaining({
        client: { id: clientId, name: 'Notices Co' },
        noticeId: 'N1',
        section: 'ASMT-10',
        status: 'open',
        dueDate: '2026-05-30',
        issuedOn: '2026-04-01',
        source: expect.objectContaining({
          portal: 'gst',
          category: 'gst.notices_return_register',
          subject: { kind: 'gstin', value: gstin },
          firstPeriod: '042026',
        }),
      }),
    ]);
    const closed = await call<Page<Notice>>('GET', `/notices?clientId=${clientId}&status=closed`);
    expect(closed.body.items.map((n) => n.noticeId)).toEqual(['C1']);
  });

  it('announces a change of status once, and a later fetch of an older period does not undo it', async () => {
    const replied = chunk('gst.notices_return_register', '052026', [
      { ...gstNotice('N1', 'Replied', '30-05-2026'), change: 'updated' },
    ]);
    await publish(replied, replied);
    await waitFor(() => (mine().length >= 2 ? true : null), { timeoutMs: 30_000, description: 'N1 updated' });
    // April fetched again now carries the same reply: nothing more to say.
    await publish(
      chunk('gst.notices_return_register', '042026', [
        { ...gstNotice('N1', 'Replied', '30-05-2026'), change: 'updated' },
      ]),
    );
    await settle();
    expect(mine().map((e) => [e.type, e.data.noticeId, e.data.status, e.data.previous])).toEqual([
      ['client.notice.detected', 'N1', 'open', undefined],
      ['client.notice.updated', 'N1', 'replied', { status: 'open', dueDate: '2026-05-30' }],
    ]);
    // Replied is still awaiting the department: in the default view.
    const view = await call<Page<Notice>>('GET', `/notices?clientId=${clientId}`);
    expect(view.body.items.map((n) => [n.noticeId, n.status])).toEqual([['N1', 'replied']]);
  });

  it('lists the firm by due date, soonest first, ISO dates whatever the portal, paged and filtered', async () => {
    await publish(
      chunk('gst.notices_return_register', '052026', [
        gstNotice('N2', 'Open', '10-05-2026'),
        gstNotice('N3', 'Open', '31-02-2026'), // not a date: null, kept as the portal wrote it, listed last
      ]),
      chunk('itr.notices_orders', '2025-26', [
        {
          naturalKey: `${pan}|proceeding|P1`,
          change: 'added',
          hash: 'h-p1',
          data: {
            pan,
            kind: 'proceeding',
            proceedingReqId: 'P1',
            noticeSection: '143(2)',
            issuedOn: '2026-04-20',
            responseDueDate: '2026-05-20',
            proceedingStatus: 'Open',
            closureOrder: null,
          },
        },
      ]),
    );
    await waitFor(() => (mine().length >= 5 ? true : null), { timeoutMs: 30_000, description: 'three more' });

    const all = await call<Page<Notice>>('GET', `/notices?clientId=${clientId}`);
    expect(all.body.items.map((n) => [n.noticeId, n.dueDate, n.source.portal])).toEqual([
      ['N2', '2026-05-10', 'gst'],
      ['P1', '2026-05-20', 'itr'],
      ['N1', '2026-05-30', 'gst'],
      ['N3', null, 'gst'],
    ]);
    expect(all.body.items[3].portalDates).toEqual({ dueDate: '31-02-2026', issuedOn: '01-04-2026' });

    // Paged one at a time: the same order, each once.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/notices?clientId=${clientId}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page: Page<Notice> = (await call<Page<Notice>>('GET', q)).body;
      paged.push(...page.items.map((n) => n.noticeId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(['N2', 'P1', 'N1', 'N3']);

    const ids = async (q: string) =>
      (await call<Page<Notice>>('GET', `/notices?clientId=${clientId}&${q}`)).body.items.map(
        (n) => n.noticeId,
      );
    expect(await ids('portal=itr')).toEqual(['P1']);
    expect(await ids('category=gst.notices_return_register&dueBefore=2026-05-30')).toEqual(['N2']);
    expect(await ids('status=open')).toEqual(['N2', 'P1', 'N3']);

    const bad = await call<{ status: number; errors: { field: string }[] }>(
      'GET',
      '/notices?dueBefore=30-05-2026&cursor=nope',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field)).toContain('dueBefore');
    expect((await call<Page<Notice>>('GET', `/notices?cursor=nope`)).status).toBe(400);
    const notADay = Buffer.from(JSON.stringify({ due: '2026-13-45', id: uuidv7() })).toString('base64url');
    expect((await call<Page<Notice>>('GET', `/notices?cursor=${notADay}`)).status).toBe(400);
    expect((await call<Page<Notice>>('GET', `/notices?dueBefore=2026-02-30`)).status).toBe(400);
  });

  it('its migration makes the notices already in the records store known, as the consumer left them', async () => {
    const db = app.get(DataSource);
    const rows = () =>
      db.query(
        `SELECT notice_id, status, to_char(due_date, 'YYYY-MM-DD') AS due, due_date_raw, first_period
           FROM notices WHERE client_id = $1 ORDER BY notice_id`,
        [clientId],
      );
    const kept = await rows();
    expect(kept).toHaveLength(5);
    const runner = db.createQueryRunner();
    try {
      const migration = new CreateNotices1765019000000();
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(await rows()).toEqual(kept);
  });
});
