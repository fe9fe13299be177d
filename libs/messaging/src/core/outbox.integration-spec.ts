import { Topics } from '@practice-sync/contracts';
import { createServiceDataSource, GroupCommit } from '@practice-sync/persistence';
import { spawn } from 'child_process';
import * as path from 'path';
import { Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';

import {
  collect,
  freshDataSource,
  infra,
  newMessaging,
  thing,
  ThingHappened,
  until,
} from '../../test/messaging-fixture';
import { KafkaMessaging } from './kafka-messaging';
import { enqueueEvents } from './outbox';
import type { OutboxRelayOptions } from './outbox-relay';

const { databaseUrl, brokers, prefix } = infra();
const topic = Topics.ClientEvents;

function thingIds(messages: { value: Buffer | null }[]): string[] {
  return messages.map(
    (m) => (JSON.parse(m.value?.toString() ?? '{}') as { data: { thingId: string } }).data.thingId,
  );
}

/** A relay on `ds` that polls once at start and then only every minute, and its batches by path. */
async function startSlowRelay(
  name: string,
  ds: DataSource,
  relayOptions: Pick<OutboxRelayOptions, 'maxHandedBytes'> = {},
): Promise<{ own: KafkaMessaging; batches: () => Promise<Record<string, number>> }> {
  const registry = new Registry();
  const own = new KafkaMessaging(
    { brokers, clientId: name, topicPrefix: prefix, partitions: 2 },
    { dataSource: ds, registry },
  );
  await own.start([topic]);
  own.startOutboxRelay({ pollIntervalMs: 60_000, idlePollMaxMs: 120_000, ...relayOptions });
  /** `messaging_outbox_relay_batches_total` by path. */
  const batches = async () => {
    const metric = await registry.getSingleMetric('messaging_outbox_relay_batches_total')?.get();
    return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels['path']), v.value]));
  };
  return { own, batches };
}

/**
 * A schema and relay of the test's own that polls once at start and then only every minute, so nothing but the
 * hand-off at commit can publish its rows within `until`'s 30 s. `run` gets the schema and what the topic
 * received; the outbox must be empty at the end.
 */
async function withSlowPollingRelay(
  name: string,
  seenOn: string,
  run: (
    ds: DataSource,
    seen: Awaited<ReturnType<typeof collect>>,
    batches: () => Promise<Record<string, number>>,
  ) => Promise<void>,
  relayOptions: Pick<OutboxRelayOptions, 'maxHandedBytes'> = {},
): Promise<void> {
  const { ds: ownDs } = await freshDataSource(databaseUrl);
  const seen = await collect(brokers, seenOn);
  const { own, batches } = await startSlowRelay(name, ownDs, relayOptions);
  try {
    await new Promise((r) => setTimeout(r, 1000)); // the first poll found nothing; the relay sleeps
    await run(ownDs, seen, batches);
    // The last deletes commit when their window closes (deleteWindowMs), a moment after the last publish.
    const left = async () =>
      ((await ownDs.query('SELECT count(*)::int AS n FROM outbox')) as { n: number }[])[0].n;
    await until(async () => (await left()) === 0, 'the outbox to be empty');
  } finally {
    await own.stop();
    await seen.stop();
    await ownDs.destroy();
  }
}

describe('transactional outbox (real Kafka + PostgreSQL)', () => {
  let ds: DataSource;
  let messaging: KafkaMessaging;

  beforeAll(async () => {
    ({ ds } = await freshDataSource(databaseUrl));
    messaging = newMessaging(ds, brokers, prefix);
    await messaging.start([topic]);
  });

  afterAll(async () => {
    await messaging.stop();
    await ds.destroy();
  });

  it('never publishes a row from a rolled-back transaction, and publishes committed ones in order', async () => {
    const seen = await collect(brokers, messaging.topic(topic));
    messaging.startOutboxRelay({ pollIntervalMs: 50 });
    await ds
      .transaction(async (manager) => {
        await enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing('rolled-back', 1) }]);
        throw new Error('business rule failed after the event was written');
      })
      .catch(() => undefined);
    await ds.transaction((manager) =>
      enqueueEvents(manager, [
        { contract: ThingHappened, envelope: thing('committed', 1) },
        { contract: ThingHappened, envelope: thing('committed', 2) },
      ]),
    );
    await until(() => seen.messages.length >= 2, 'committed events');
    // give a stray rolled-back row every chance to show up
    await new Promise((r) => setTimeout(r, 1000));
    expect(thingIds(seen.messages)).toEqual(['committed', 'committed']);
    const values = seen.messages.map(
      (m) => (JSON.parse(m.value?.toString() ?? '{}') as { data: { value: number } }).data.value,
    );
    expect(values).toEqual([1, 2]);
    expect(seen.messages[0].key?.toString()).toBe('committed');
    expect(await ds.query('SELECT count(*)::int AS n FROM outbox')).toEqual([{ n: 0 }]);
    await seen.stop();
  });

  it('publishes many large events for one key in produce requests the broker accepts', async () => {
    // 200 × 20 kB on one partition: 4 MB, four times the broker's record-batch limit if sent as one batch.
    const big = 'mid-sized';
    const seen = await collect(brokers, messaging.topic(topic));
    messaging.startOutboxRelay({ pollIntervalMs: 50 });
    await ds.transaction((manager) =>
      enqueueEvents(
        manager,
        Array.from({ length: 200 }, (_, i) => ({
          contract: ThingHappened,
          envelope: thing(big, i, 'x'.repeat(20_000)),
        })),
      ),
    );
    await until(
      () => seen.messages.filter((m) => thingIds([m])[0] === big).length === 200,
      '200 large events',
    );
    // The relay deletes a batch's rows in the transaction that sends it, and commits after the broker's ack: a
    // consumer may see the last batch a moment before that commit.
    await until(
      async () => ((await ds.query('SELECT count(*)::int AS n FROM outbox')) as { n: number }[])[0].n === 0,
      'the outbox to be empty',
    );
    await seen.stop();
  });

  it('goes on at once while a commit left more rows than one produce request carries', async () => {
    // One wake-up (the commit) must carry all 200 × 20 kB rows: about ten byte-capped batches.
    await withSlowPollingRelay('byte-capped', messaging.topic(topic), async (ownDs, seen) => {
      await ownDs.transaction((manager) =>
        enqueueEvents(
          manager,
          Array.from({ length: 200 }, (_, i) => ({
            contract: ThingHappened,
            envelope: thing('capped', i, 'y'.repeat(20_000)),
          })),
        ),
      );
      await until(
        () => seen.messages.filter((m) => thingIds([m])[0] === 'capped').length === 200,
        '200 events from one wake-up',
      );
    });
  });

  it('parks an event the broker refuses for good, and keeps publishing the ones after it', async () => {
    const seen = await collect(brokers, messaging.topic(topic));
    messaging.startOutboxRelay({ pollIntervalMs: 50 });
    const huge = thing('huge', 1, 'x'.repeat(2_000_000));
    await ds.transaction((manager) => enqueueEvents(manager, [{ contract: ThingHappened, envelope: huge }]));
    await ds.transaction((manager) =>
      enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing('after-huge', 2) }]),
    );
    await until(() => thingIds(seen.messages).includes('after-huge'), 'the event after the refused one');
    const parked: { id: string; error: string }[] = await ds.query('SELECT id, error FROM outbox_failed');
    expect(parked.map((p) => p.id)).toEqual([huge.id]);
    expect(parked[0].error).toMatch(/too large|larger than/i);
    // As above: the consumer may see the event a moment before the relay's delete window commits.
    await until(
      async () => ((await ds.query('SELECT count(*)::int AS n FROM outbox')) as { n: number }[])[0].n === 0,
      'the outbox to be empty',
    );
    await seen.stop();
  });

  it('rejects an event on a topic its contract does not allow, before anything is written', async () => {
    await expect(
      ds.transaction((manager) =>
        enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing('x', 1), topic: Topics.Runs }]),
      ),
    ).rejects.toThrow('may not be published on sync.runs.v1');
  });

  it('publishes a row committed just before the process crashed, once it restarts', async () => {
    // Its own schema: no relay of the tests above may touch the row before the "restart".
    const { ds: crashDs, schema: crashSchema } = await freshDataSource(databaseUrl);
    // A separate process commits an outbox row and is SIGKILLed straight after, before any relay runs.
    const script = path.join(__dirname, '../../test/commit-then-crash.ts');
    const child = spawn(process.execPath, ['-r', '@swc-node/register', script], {
      env: {
        ...process.env,
        TEST_DATABASE_URL: databaseUrl,
        TEST_SCHEMA: crashSchema,
        TEST_THING: 'survivor',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, sig) => resolve(sig)),
    );
    expect({ signal, stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    expect(await crashDs.query(`SELECT topic FROM outbox`)).toEqual([{ topic }]);

    // "Restart": a new service instance's relay finds the row and publishes it.
    const seen = await collect(brokers, messaging.topic(topic));
    const restarted = newMessaging(crashDs, brokers, prefix, 'restarted');
    await restarted.start([topic]);
    restarted.startOutboxRelay({ pollIntervalMs: 50 });
    await until(() => thingIds(seen.messages).includes('survivor'), 'the survivor event');
    expect(await crashDs.query('SELECT count(*)::int AS n FROM outbox')).toEqual([{ n: 0 }]);
    await restarted.stop();
    await seen.stop();
    await crashDs.destroy();
  });

  it('publishes a commit at once even when the relay polls only every minute', async () => {
    await withSlowPollingRelay('slow-poll', messaging.topic(topic), async (ownDs, seen) => {
      await ownDs.transaction((manager) =>
        enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing('woken-1', 1) }]),
      );
      await until(() => thingIds(seen.messages).includes('woken-1'), 'the first committed event');
      // A nested transaction (savepoint) commits with its outer one: the event still leaves at once.
      await ownDs.transaction(async (manager) => {
        await manager.transaction((inner) =>
          enqueueEvents(inner, [{ contract: ThingHappened, envelope: thing('woken-2', 2) }]),
        );
      });
      await until(() => thingIds(seen.messages).includes('woken-2'), 'the nested committed event');
    });
  });

  it('publishes what a commit wrote from memory, handed over at the commit, without polling the table', async () => {
    await withSlowPollingRelay('handed', messaging.topic(topic), async (ownDs, seen, batches) => {
      for (let i = 1; i <= 3; i++) {
        await ownDs.transaction((manager) =>
          enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing('handed', i) }]),
        );
      }
      // Outside a transaction the insert commits at once: it is handed over straight away.
      await enqueueEvents(ownDs.manager, [{ contract: ThingHappened, envelope: thing('handed', 4) }]);
      await until(() => thingIds(seen.messages).filter((t) => t === 'handed').length === 4, 'four events');
      const byPath = await batches();
      expect(byPath['handed']).toBeGreaterThanOrEqual(1);
      expect(byPath['polled'] ?? 0).toBe(0);
    });
  });

  it('deletes the batches handed within a window in one transaction, and no relay sends them again meanwhile', async () => {
    const { ds: ownDs, schema } = await freshDataSource(databaseUrl);
    // A second instance of the service on the same schema, polling every 50 ms: it must skip what the first
    // relay published and has not yet committed the delete of.
    const peerDs = createServiceDataSource({ url: databaseUrl, schema, entities: [], migrations: [] });
    await peerDs.initialize();
    const seen = await collect(brokers, messaging.topic(topic));
    const own = new KafkaMessaging(
      { brokers, clientId: 'window', topicPrefix: prefix, partitions: 2 },
      { dataSource: ownDs, registry: new Registry() },
    );
    const peer = new KafkaMessaging(
      { brokers, clientId: 'window-peer', topicPrefix: prefix, partitions: 2 },
      { dataSource: peerDs, registry: new Registry() },
    );
    try {
      await own.start([topic]);
      await peer.start([topic]);
      // One window for the whole test: every delete waits for the stop.
      own.startOutboxRelay({ pollIntervalMs: 60_000, idlePollMaxMs: 120_000, deleteWindowMs: 600_000 });
      await new Promise((r) => setTimeout(r, 500));
      for (let i = 1; i <= 5; i++) {
        await ownDs.transaction((manager) =>
          enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing('windowed', i) }]),
        );
      }
      await until(() => thingIds(seen.messages).filter((t) => t === 'windowed').length === 5, 'five events');
      // Published, their deletes not committed yet: the rows are still there, locked, and a peer relay started
      // now, polling every 50 ms for a second, sends none of them again. (Started before, its polls could take a
      // row in the moment between its commit and the hand-off's delete: sent once, by the peer, and fine.)
      peer.startOutboxRelay({ pollIntervalMs: 50, idlePollMaxMs: 50 });
      await new Promise((r) => setTimeout(r, 1000));
      expect(await peerDs.query('SELECT count(*)::int AS n FROM outbox')).toEqual([{ n: 5 }]);
      expect(thingIds(seen.messages).filter((t) => t === 'windowed')).toHaveLength(5);
      // Stopping commits the window: the five rows leave the table in one transaction.
      await own.stop();
      expect(await peerDs.query('SELECT count(*)::int AS n FROM outbox')).toEqual([{ n: 0 }]);
      await new Promise((r) => setTimeout(r, 500));
      expect(thingIds(seen.messages).filter((t) => t === 'windowed')).toHaveLength(5);
    } finally {
      await own.stop().catch(() => undefined);
      await peer.stop();
      await seen.stop();
      await peerDs.destroy();
      await ownDs.destroy();
    }
  });

  it("inserts a transaction's events in one statement just before its COMMIT, a savepoint's at its start and end", async () => {
    const { ds: ownDs } = await freshDataSource(databaseUrl);
    try {
      const inserts: string[] = [];
      const inTable = async (manager: EntityManager) =>
        ((await manager.query('SELECT count(*)::int AS n FROM outbox')) as { n: number }[])[0].n;
      await ownDs.transaction(async (manager) => {
        const query = manager.query.bind(manager);
        manager.query = ((sql: string, params?: unknown[]) => {
          if (sql.startsWith('INSERT INTO outbox')) inserts.push(sql);
          return query(sql, params);
        }) as typeof manager.query;
        await enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing('one', 1) }]);
        await enqueueEvents(manager, [
          { contract: ThingHappened, envelope: thing('one', 2) },
          { contract: ThingHappened, envelope: thing('one', 3) },
        ]);
        expect(await inTable(manager)).toBe(0); // not written yet
        expect(inserts).toHaveLength(0);
        // A savepoint: what was enqueued before it is written first; its own rows go when it ends, or are
        // dropped with its rollback.
        await manager
          .transaction(async (inner) => {
            expect(await inTable(inner)).toBe(3);
            await enqueueEvents(inner, [{ contract: ThingHappened, envelope: thing('undone', 4) }]);
            throw new Error('the inner step failed');
          })
          .catch(() => undefined);
        await enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing('one', 5) }]);
      });
      // The three events before the savepoint in one INSERT, the last one at COMMIT; the undone one never.
      expect(inserts).toHaveLength(2);
      const rows = (await ownDs.query(`SELECT payload FROM outbox ORDER BY seq`)) as { payload: string }[];
      expect(rows.map((r) => (JSON.parse(r.payload) as { data: { value: number } }).data.value)).toEqual([
        1, 2, 3, 5,
      ]);
    } finally {
      await ownDs.destroy();
    }
  });

  it('never publishes a handed row whose savepoint was rolled back', async () => {
    await withSlowPollingRelay('savepoint', messaging.topic(topic), async (ownDs, seen) => {
      await ownDs.transaction(async (manager) => {
        await enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing('kept', 1) }]);
        await manager
          .transaction(async (inner) => {
            await enqueueEvents(inner, [{ contract: ThingHappened, envelope: thing('undone', 2) }]);
            throw new Error('the inner step failed');
          })
          .catch(() => undefined);
        await enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing('kept', 3) }]);
      });
      await until(() => thingIds(seen.messages).filter((t) => t === 'kept').length === 2, 'the kept events');
      await new Promise((r) => setTimeout(r, 1000)); // every chance for the undone row to show up
      expect(thingIds(seen.messages).filter((t) => t === 'kept' || t === 'undone')).toEqual(['kept', 'kept']);
    });
  });

  it("publishes the rows of a group transaction's committed works from memory, never a rolled-back work's", async () => {
    await withSlowPollingRelay('group', messaging.topic(topic), async (ownDs, seen, batches) => {
      const group = new GroupCommit(ownDs, { maxTransactionMs: 60_000 });
      const outcomes = await Promise.allSettled(
        [1, 2, 3, 4].map((i) =>
          group.submit(async (manager) => {
            await enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing('group', i) }]);
            if (i === 2) throw new Error('work 2 failed after writing its event');
          }),
        ),
      );
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      const mine = () => seen.messages.filter((m) => thingIds([m])[0] === 'group');
      await until(() => mine().length >= 3, "the committed works' events");
      await new Promise((r) => setTimeout(r, 1000)); // every chance for the rolled-back row to show up
      const values = mine().map(
        (m) => (JSON.parse(m.value?.toString() ?? '{}') as { data: { value: number } }).data.value,
      );
      expect(values).toEqual([1, 3, 4]);
      const byPath = await batches();
      expect(byPath['handed']).toBeGreaterThanOrEqual(1);
      expect(byPath['polled'] ?? 0).toBe(0);
    });
  });

  it('polls from the table, in order, what a transaction or the relay would hold past maxHandedBytes', async () => {
    await withSlowPollingRelay(
      'over-budget',
      messaging.topic(topic),
      async (ownDs, seen, batches) => {
        // One transaction writes more than the relay keeps: its commit holds nothing and asks for a poll.
        await ownDs.transaction((manager) =>
          enqueueEvents(
            manager,
            Array.from({ length: 5 }, (_, i) => ({ contract: ThingHappened, envelope: thing('budget', i) })),
          ),
        );
        // Outside a transaction each row is handed over at once, and the relay's own cap drops it for the poll.
        for (let i = 5; i < 8; i++) {
          await enqueueEvents(ownDs.manager, [{ contract: ThingHappened, envelope: thing('budget', i) }]);
        }
        const mine = () => seen.messages.filter((m) => thingIds([m])[0] === 'budget');
        await until(() => mine().length === 8, 'eight events');
        const values = mine().map(
          (m) => (JSON.parse(m.value?.toString() ?? '{}') as { data: { value: number } }).data.value,
        );
        expect(values).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        const byPath = await batches();
        expect(byPath['polled']).toBeGreaterThanOrEqual(1);
        expect(byPath['handed'] ?? 0).toBe(0);
      },
      { maxHandedBytes: 100 },
    );
  });

  it('hands commits to a restarted relay, through one commit hook per data source', async () => {
    const { ds } = await freshDataSource(databaseUrl);
    const seen = await collect(brokers, messaging.topic(topic));
    try {
      const first = await startSlowRelay('restart-1', ds);
      const hooks = ds.subscribers.length;
      await first.own.stop();
      const second = await startSlowRelay('restart-2', ds);
      try {
        expect(ds.subscribers.length).toBe(hooks);
        await new Promise((r) => setTimeout(r, 1000)); // the first poll found nothing; the relay sleeps
        await ds.transaction((manager) =>
          enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing('restarted', 1) }]),
        );
        await until(
          () => thingIds(seen.messages).includes('restarted'),
          'the event committed after the restart',
        );
        const byPath = await second.batches();
        expect(byPath['handed']).toBe(1);
        expect(byPath['polled'] ?? 0).toBe(0);
      } finally {
        await second.own.stop();
      }
    } finally {
      await seen.stop();
      await ds.destroy();
    }
  });
});
