import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type {
  BooksJobCompleted,
  BooksJobRequested,
  BooksLinkChanged,
  Envelope,
} from '@practice-sync/contracts';
import {
  BooksJobCompletedEvent,
  BooksJobRequestedEvent,
  BooksLinkChangedEvent,
  createEnvelope,
  Topics,
} from '@practice-sync/contracts';
import { KafkaMessaging } from '@practice-sync/messaging';
import { METRICS_REGISTRY } from '@practice-sync/observability';
import { runServiceMigrations } from '@practice-sync/persistence';
import { callJson, testInfra } from '@practice-sync/testing';
import type { Registry } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';

import { AppModule } from '../app.module';
import { clientMasterDataSourceOptions } from '../client-master-data-source';
import { loadClientMasterConfig } from '../config/client-master.config';
import { configureApp } from '../configure-app';

jest.setTimeout(120_000);

interface Link {
  id: string;
  state: string;
  lastSyncAt: string | null;
  error: string | null;
  held: { count: number; oldestAt: string | null };
  rules: { id: string; status: string }[];
}

/**
 * client-master's link states from real books.job.requested / books.job.completed events on Kafka (as the
 * orchestrator and connector-books publish them), watched through its HTTP API; and the books.link.changed
 * events it announces, read back from Kafka.
 */
describe('client-master branch link state from job events', () => {
  const infra = testInfra();
  const config = loadClientMasterConfig({ ...infra.env, LOG_LEVEL: 'warn', KAFKA_PARTITIONS: '2' });
  let app: NestExpressApplication;
  let base: string;
  const firmId = uuidv7();
  const announced: Envelope<BooksLinkChanged>[] = [];

  beforeAll(async () => {
    await runServiceMigrations(clientMasterDataSourceOptions(config));
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { logger: ['error'] });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/internal/v1/firms/${firmId}`;
    await app.get(KafkaMessaging).consume({
      groupId: 'test.books-links',
      topics: [Topics.BooksLinks],
      contracts: [BooksLinkChangedEvent],
      handle: async (e) => {
        announced.push(e as Envelope<BooksLinkChanged>);
      },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  const call = <T>(method: string, path: string, body?: unknown) =>
    callJson<T>(method, `${base}${path}`, body);

  async function newLink(): Promise<Link> {
    const company = async (name: string, role: string) =>
      (
        await call<{ id: string }>('POST', '/companies', {
          name,
          role,
          booksUrl: `http://books.example/${name}`,
        })
      ).body.id;
    const res = await call<Link>('POST', '/branch-links', {
      clientCompanyId: await company(`ho-${uuidv7()}`, 'head_office'),
      serverCompanyId: await company(`br-${uuidv7()}`, 'branch'),
      mode: 'online',
      rules: [{ class: 'masters', direction: 'send' }],
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const linkOf = async (id: string) => (await call<Link>('GET', `/branch-links/${id}`)).body;
  const untilState = (id: string, state: string) =>
    until(
      `link ${id} ${state}`,
      () => linkOf(id),
      (l) => l.state === state,
    );

  /** How many job events left their link unchanged (stale, repeated or for an unknown link). */
  async function unchanged(event: string): Promise<number> {
    const metric = app.get<Registry>(METRICS_REGISTRY).getSingleMetric('client_master_link_job_events_total');
    const values = (await metric?.get())?.values ?? [];
    return values
      .filter((v) => v.labels.event === event && v.labels.effect === 'unchanged')
      .reduce((n, v) => n + v.value, 0);
  }

  function requested(linkId: string, jobId: string, attempt: number, category = 'books.masters') {
    const data: BooksJobRequested = {
      jobId,
      runId: uuidv7(),
      firmId,
      linkId,
      category: category as BooksJobRequested['category'],
      client: { companyId: uuidv7(), booksUrl: 'http://books.example/ho' },
      server: { companyId: uuidv7(), booksUrl: 'http://books.example/br' },
      rules: [],
      attempt,
    };
    return {
      contract: BooksJobRequestedEvent,
      envelope: createEnvelope(BooksJobRequestedEvent, data, { firmId }),
    };
  }

  function completed(
    linkId: string,
    jobId: string,
    attempt: number,
    finishedAt: string,
    over: Partial<BooksJobCompleted> = {},
  ) {
    const data: BooksJobCompleted = {
      jobId,
      runId: uuidv7(),
      linkId,
      category: 'books.masters',
      attempt,
      outcome: 'succeeded',
      errorCode: null,
      errorMessage: null,
      retryable: false,
      counts: { created: 2, altered: 0, deleted: 0, unchanged: 0, held: 0, conflicts: 0, errors: 0 },
      failedObjects: [],
      startedAt: finishedAt,
      finishedAt,
      ...over,
    };
    return {
      contract: BooksJobCompletedEvent,
      envelope: createEnvelope(BooksJobCompletedEvent, data, { firmId }),
    };
  }

  const publish = (events: Parameters<KafkaMessaging['publisher']['publish']>[0]) =>
    app.get(KafkaMessaging).publisher.publish(events);
  const offline = {
    outcome: 'failed' as const,
    errorCode: 'portal_unavailable' as const,
    errorMessage:
      'The books server at 10.1.2.3:9000 did not answer export of masters (connection refused). ' +
      'Check that Tally is running there and reachable from practice-sync, then retry.',
    retryable: true,
  };

  it('syncing on a request, failed with why, then online with its last sync once a retry succeeds; announced', async () => {
    const link = await newLink();
    expect(link).toMatchObject({ state: 'online', lastSyncAt: null, error: null });
    const job = uuidv7();
    const now = Date.now();
    await publish([requested(link.id, job, 1)]);
    await untilState(link.id, 'syncing');

    await publish([completed(link.id, job, 1, new Date(now + 1000).toISOString(), offline)]);
    const failed = await untilState(link.id, 'failed');
    expect(failed.error).toBe(
      'masters: a books server did not answer (portal_unavailable): The books server at 10.1.2.3:9000 did not ' +
        'answer export of masters (connection refused). Check that Tally is running there and reachable from ' +
        'practice-sync, then retry.',
    );
    expect(failed.lastSyncAt).toBeNull();

    await publish([requested(link.id, job, 2)]);
    const retrying = await untilState(link.id, 'syncing');
    expect(retrying.error).toBe(failed.error);
    const doneAt = new Date(now + 5000).toISOString();
    await publish([completed(link.id, job, 2, doneAt)]);
    expect(await untilState(link.id, 'online')).toMatchObject({ lastSyncAt: doneAt, error: null });

    const states = await until(
      'state_changed events',
      async () =>
        announced
          .filter((e) => e.data.linkId === link.id && e.data.change === 'state_changed')
          .map((e) => `${e.data.previousState}>${e.data.state}`),
      (s) => s.length >= 4,
    );
    expect(states).toEqual(['online>syncing', 'syncing>failed', 'failed>syncing', 'syncing>online']);
    const online = announced.find(
      (e) => e.data.linkId === link.id && e.data.state === 'online' && e.data.change === 'state_changed',
    );
    expect(online?.data).toMatchObject({ lastSyncAt: doneAt, clientCompanyId: expect.any(String) });
    expect(JSON.stringify(announced)).not.toContain('books.example');
  });

  it('on-demand: offline with the held count and oldest while changes are held, online once they went in, failed when they expired', async () => {
    const link = await newLink();
    const now = Date.now();
    const oldestAt = new Date(now - 3 * 86_400_000).toISOString();
    const holding = {
      outcome: 'partial' as const,
      errorMessage: '3 change(s) NOT applied yet',
      counts: { created: 0, altered: 0, deleted: 0, unchanged: 0, held: 3, conflicts: 0, errors: 0 },
      held: { count: 3, oldestAt },
    };
    await publish([completed(link.id, uuidv7(), 1, new Date(now + 1000).toISOString(), holding)]);
    const offline = await untilState(link.id, 'offline');
    expect(offline).toMatchObject({ error: null, held: { count: 3, oldestAt } });

    await publish([
      completed(link.id, uuidv7(), 1, new Date(now + 2000).toISOString(), {
        held: { count: 0, oldestAt: null },
      }),
    ]);
    expect(await untilState(link.id, 'online')).toMatchObject({ held: { count: 0, oldestAt: null } });

    await publish([completed(link.id, uuidv7(), 1, new Date(now + 3000).toISOString(), holding)]);
    await untilState(link.id, 'offline');
    await publish([
      completed(link.id, uuidv7(), 1, new Date(now + 4000).toISOString(), {
        outcome: 'failed',
        errorCode: 'hold_expired',
        errorMessage: '3 held change(s) expired after 7 days; a new sync (snapshot) of the link is needed',
        held: { count: 0, oldestAt: null },
        expiredObjects: [{ guid: 'g-1', type: 'VOUCHER', direction: 'send' }],
      }),
    ]);
    const failed = await untilState(link.id, 'failed');
    expect(failed.held).toEqual({ count: 0, oldestAt: null });
    expect(failed.error).toContain('held changes expired before the receiving books took them');
  });

  it('an earlier attempt, a request after its own result and a redelivery change nothing', async () => {
    const link = await newLink();
    const job = uuidv7();
    const now = Date.now();
    const doneAt = new Date(now + 5000).toISOString();
    const baseline = await unchanged(BooksJobRequestedEvent.type);
    // The result arrives before its own request (two topics: no order between them).
    const result2 = completed(link.id, job, 2, doneAt);
    await publish([result2, result2]);
    // A new link is already online: wait for the result's last sync.
    const first = await until(
      'the result',
      () => linkOf(link.id),
      (l) => l.lastSyncAt !== null,
    );
    expect(first).toMatchObject({ state: 'online', lastSyncAt: doneAt, error: null });
    await publish([requested(link.id, job, 2), requested(link.id, job, 1)]);
    await until(
      'the late requests',
      () => unchanged(BooksJobRequestedEvent.type),
      (n) => n >= baseline + 2,
    );
    // Attempt 1's failure, delivered late, then a partial transactions result behind it on the same partition.
    await publish([
      completed(link.id, job, 1, new Date(now + 9000).toISOString(), offline),
      completed(link.id, uuidv7(), 1, new Date(now + 6000).toISOString(), {
        category: 'books.transactions',
        outcome: 'partial',
        counts: { created: 5, altered: 0, deleted: 0, unchanged: 0, held: 0, conflicts: 0, errors: 2 },
        failedObjects: [
          { guid: 'g-1', type: 'VOUCHER', errorCode: 'missing_master' },
          { guid: 'g-2', type: 'VOUCHER', errorCode: 'missing_master' },
        ],
      }),
    ]);
    const after = await until(
      'the partial result',
      () => linkOf(link.id),
      (l) => l.error !== null,
    );
    expect(after).toMatchObject({
      state: 'online',
      lastSyncAt: new Date(now + 6000).toISOString(),
      error:
        'transactions: 2 objects refused by the receiving books (missing_master: 2); they are tried again next sync',
    });
  });

  it('ignores jobs of unknown links; announces rule decisions and deletion of a link', async () => {
    const before = await unchanged(BooksJobCompletedEvent.type);
    await publish([completed(uuidv7(), uuidv7(), 1, new Date().toISOString())]);
    await until(
      'the unknown link',
      () => unchanged(BooksJobCompletedEvent.type),
      (n) => n >= before + 1,
    );

    const link = await newLink();
    const ruleId = link.rules[0].id;
    expect((await call('POST', `/branch-links/${link.id}/rules/${ruleId}/activate`)).status).toBe(200);
    expect((await call('DELETE', `/branch-links/${link.id}`)).status).toBe(204);
    const changes = await until(
      'the link events',
      async () => announced.filter((e) => e.data.linkId === link.id).map((e) => e.data),
      (c) => c.length >= 3,
    );
    expect(changes.map((c) => [c.change, c.ruleIds])).toEqual([
      ['created', [ruleId]],
      ['rule_activated', [ruleId]],
      ['deleted', []],
    ]);
    expect(changes[1].rules).toEqual([{ id: ruleId, class: 'masters', direction: 'send', status: 'active' }]);
  });
});
