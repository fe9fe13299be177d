import { dlqTopicOf, Topics } from '@practice-sync/contracts';
import { Kafka, logLevel } from 'kafkajs';
import type { MetricValueWithName } from 'prom-client';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

import { collect, freshDataSource, infra, thing, ThingHappened, until } from '../../test/messaging-fixture';
import { KafkaMessaging } from './kafka-messaging';
import type { HandlerContext } from './types';

const topic = Topics.ClientEvents;

interface World {
  ds: DataSource;
  messaging: KafkaMessaging;
  registry: Registry;
  brokers: string[];
}

type Thing = { thingId: string; value: number };

/**
 * Batching of the idempotent consumer: several messages per transaction, one commit. Each case has its own
 * schema, topics and groups, and publishes its events before it starts consuming, so they arrive as one batch.
 */
// Each case with partitions taken one at a time, and concurrently: then a partition's groups go through the
// group commit (a shared transaction), and every failure path must behave the same.
describe.each([1, 2])(
  'KafkaMessaging consumer batching (real Kafka + PostgreSQL), concurrency %i',
  (concurrency) => {
    const worlds: World[] = [];

    afterEach(async () => {
      for (const w of worlds.splice(0)) {
        await w.messaging.stop();
        await w.ds.destroy();
      }
    });

    async function world(commitIntervalMs?: number, partitions = 2): Promise<World> {
      const { databaseUrl, brokers, prefix } = infra();
      const { ds } = await freshDataSource(databaseUrl);
      const registry = new Registry();
      const messaging = new KafkaMessaging(
        { brokers, clientId: 'test', topicPrefix: prefix, partitions, commitIntervalMs },
        { dataSource: ds, registry },
      );
      await messaging.start([topic]);
      const w = { ds, messaging, registry, brokers };
      worlds.push(w);
      return w;
    }

    async function effectCounts(ds: DataSource, thingId: string): Promise<Map<number, number>> {
      const rows: { value: number; n: number }[] = await ds.query(
        'SELECT value, count(*)::int AS n FROM effects WHERE thing_id = $1 GROUP BY value ORDER BY value',
        [thingId],
      );
      return new Map(rows.map((r) => [r.value, r.n]));
    }

    async function txid(ctx: HandlerContext): Promise<string> {
      const [{ id }] = (await ctx.manager.query('SELECT txid_current()::text AS id')) as { id: string }[];
      return id;
    }

    async function metric(registry: Registry, name: string, labels: Record<string, string> = {}) {
      // Histogram values name their series (`_sum`, `_count`); counter values do not.
      const values = (await registry.getMetricsAsJSON()).flatMap((m) =>
        m.values.map((v: MetricValueWithName<string>) => ({ ...v, metricName: v.metricName ?? m.name })),
      );
      return values
        .filter((v) => v.metricName === name)
        .filter((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))
        .reduce((sum, v) => sum + v.value, 0);
    }

    it('applies 500 events exactly once, in far fewer transactions than events', async () => {
      const w = await world();
      const events = Array.from({ length: 500 }, (_, i) => ({
        contract: ThingHappened,
        envelope: thing(`bulk-${i % 8}`, i),
      }));
      for (let i = 0; i < events.length; i += 100)
        await w.messaging.publisher.publish(events.slice(i, i + 100));
      const txids = new Set<string>();
      let hooks = 0;
      await w.messaging.consume({
        groupId: 'bulk',
        topics: [topic],
        contracts: [ThingHappened],
        concurrency: 2,
        handle: async (e, ctx) => {
          const d = e.data as Thing;
          txids.add(await txid(ctx));
          await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', ['bulk', d.value]);
          ctx.afterCommit(() => void hooks++);
        },
      });
      await until(async () => hooks >= 500, '500 events applied');

      const counts = await effectCounts(w.ds, 'bulk');
      expect(counts.size).toBe(500);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(hooks).toBe(500);
      // One transaction per group instead of one per event.
      expect(txids.size).toBeLessThanOrEqual(50);
      const group = w.messaging.topic('bulk');
      expect(await metric(w.registry, 'messaging_consumed_total', { group, result: 'handled' })).toBe(500);
      expect(await metric(w.registry, 'messaging_batch_size_sum', { group })).toBe(500);
      // A group per partition batch; with concurrency 2, groups of both partitions may share a transaction.
      expect(await metric(w.registry, 'messaging_batch_size_count', { group })).toBeGreaterThanOrEqual(
        txids.size,
      );
    });

    it('applies the batches of several partitions in shared transactions, in order per partition', async () => {
      const w = await world(undefined, 6);
      const keys = Array.from({ length: 24 }, (_, k) => `spread-${k}`);
      const events = Array.from({ length: 240 }, (_, i) => ({
        contract: ThingHappened,
        envelope: thing(keys[i % keys.length], i),
      }));
      await w.messaging.publisher.publish(events);
      const applied: { partition: number; thingId: string; value: number; txid: string }[] = [];
      let hooks = 0;
      await w.messaging.consume({
        groupId: 'spread',
        topics: [topic],
        contracts: [ThingHappened],
        concurrency: 6,
        handle: async (e, ctx) => {
          const d = e.data as Thing;
          applied.push({
            partition: ctx.partition,
            thingId: d.thingId,
            value: d.value,
            txid: await txid(ctx),
          });
          await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [
            'spread',
            d.value,
          ]);
          ctx.afterCommit(() => void hooks++);
        },
      });
      await until(async () => hooks >= 240, '240 events applied');

      const counts = await effectCounts(w.ds, 'spread');
      expect(counts.size).toBe(240);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      // In order per key (one key, one partition), as published.
      for (const key of keys) {
        const values = applied.filter((a) => a.thingId === key).map((a) => a.value);
        expect(values).toEqual([...values].sort((a, b) => a - b));
        expect(values).toHaveLength(10);
      }
      const partitions = new Set(applied.map((a) => a.partition));
      expect(partitions.size).toBeGreaterThan(2);
      // Several partitions' groups in one transaction: fewer transactions than partition groups.
      const partitionsOf = new Map<string, Set<number>>();
      for (const a of applied)
        partitionsOf.set(a.txid, (partitionsOf.get(a.txid) ?? new Set()).add(a.partition));
      expect(Math.max(...[...partitionsOf.values()].map((p) => p.size))).toBeGreaterThan(1);
      const group = w.messaging.topic('spread');
      const groups = await metric(w.registry, 'messaging_batch_size_count', { group });
      expect(partitionsOf.size).toBeLessThan(groups);
    });

    it('dead-letters a poison event of a batch alone and applies every other event once', async () => {
      const w = await world();
      const envelopes = Array.from({ length: 50 }, (_, i) => thing('poison-batch', i));
      const poison = envelopes[25];
      await w.messaging.publisher.publish(
        envelopes.map((envelope) => ({ contract: ThingHappened, envelope })),
      );
      const dlq = await collect(w.brokers, dlqTopicOf(w.messaging.topic(topic)));
      const poisonAttempts: number[] = [];
      const hooks = new Map<number, number>();
      const txidOf = new Map<number, string>();
      await w.messaging.consume({
        groupId: 'poison-batch',
        concurrency,
        topics: [topic],
        contracts: [ThingHappened],
        maxAttempts: 3,
        handle: async (e, ctx) => {
          const d = e.data as Thing;
          // the poison's effect is written, then it throws: its transaction must roll the effect back
          await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [
            d.thingId,
            d.value,
          ]);
          if (e.id === poison.id) {
            poisonAttempts.push(ctx.attempt);
            throw new Error('poisoned');
          }
          txidOf.set(d.value, await txid(ctx));
          ctx.afterCommit(() => void hooks.set(d.value, (hooks.get(d.value) ?? 0) + 1));
        },
      });
      await until(() => hooks.size >= 49, '49 events applied');
      await until(() => dlq.messages.length >= 1, 'the poison in the DLQ');

      const counts = await effectCounts(w.ds, 'poison-batch');
      expect([...counts.keys()]).toEqual(envelopes.map((_, i) => i).filter((i) => i !== 25));
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect([...hooks.values()].every((n) => n === 1)).toBe(true);
      expect(hooks.has(25)).toBe(false);
      // The try in the group counts: three tries in all, then the DLQ.
      expect(poisonAttempts).toEqual([1, 2, 3]);
      expect(dlq.messages).toHaveLength(1);
      const [dead] = dlq.messages;
      expect(dead.headers?.['event-id']?.toString()).toBe(poison.id);
      expect(dead.headers?.['x-dlq-reason']?.toString()).toBe('handler_failed');
      expect(dead.headers?.['x-dlq-error']?.toString()).toBe('poisoned');
      expect(dead.headers?.['x-dlq-attempts']?.toString()).toBe('3');
      // The events after the poison never ran in the failed group: they are grouped again, not one by one.
      const after = new Set(envelopes.slice(26).map((_, i) => txidOf.get(26 + i)));
      expect(after.size).toBeLessThan(12);
      await dlq.stop();
    });

    it('changes nothing for duplicates inside a batch or redelivered later', async () => {
      const w = await world();
      const [e1, e2, e3, e4] = [1, 2, 3, 4].map((v) => thing('dup', v));
      const publish = (list: (typeof e1)[]) =>
        w.messaging.publisher.publish(list.map((envelope) => ({ contract: ThingHappened, envelope })));
      await publish([e1, e2, e1, e3, e2, e1]);
      const calls = new Map<number, number>();
      let hooks = 0;
      await w.messaging.consume({
        groupId: 'dup',
        concurrency,
        topics: [topic],
        contracts: [ThingHappened],
        handle: async (e, ctx) => {
          const d = e.data as Thing;
          calls.set(d.value, (calls.get(d.value) ?? 0) + 1);
          await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [
            d.thingId,
            d.value,
          ]);
          ctx.afterCommit(() => void hooks++);
        },
      });
      await until(async () => hooks >= 3, 'the first three events');
      await publish([e2, e3, e1, e4]);
      await until(async () => hooks >= 4, 'the fourth event');
      const group = w.messaging.topic('dup');
      await until(
        async () => (await metric(w.registry, 'messaging_consumed_total', { group })) >= 10,
        'ten messages counted',
      );

      const counts = await effectCounts(w.ds, 'dup');
      expect([...counts.entries()]).toEqual([
        [1, 1],
        [2, 1],
        [3, 1],
        [4, 1],
      ]);
      expect([...calls.values()]).toEqual([1, 1, 1, 1]);
      expect(hooks).toBe(4);
      expect(await metric(w.registry, 'messaging_consumed_total', { group, result: 'handled' })).toBe(4);
      expect(await metric(w.registry, 'messaging_consumed_total', { group, result: 'duplicate' })).toBe(6);
    });

    it('dead-letters the invalid messages of a batch and applies the valid ones in one transaction', async () => {
      const w = await world();
      const raw = new Kafka({ brokers: w.brokers, clientId: 'raw', logLevel: logLevel.NOTHING }).producer();
      await raw.connect();
      const bad = { ...thing('mixed', 9), data: { thingId: 'mixed', value: 'nine' } };
      await raw.send({
        topic: w.messaging.topic(topic),
        messages: [
          JSON.stringify(thing('mixed', 1)),
          '{not json',
          JSON.stringify(thing('mixed', 2)),
          JSON.stringify(bad),
          JSON.stringify(thing('mixed', 3)),
        ].map((value) => ({ key: 'mixed', value })),
      });
      await raw.disconnect();
      const dlq = await collect(w.brokers, dlqTopicOf(w.messaging.topic(topic)));
      const txids: string[] = [];
      await w.messaging.consume({
        groupId: 'mixed',
        concurrency,
        topics: [topic],
        contracts: [ThingHappened],
        handle: async (e, ctx) => {
          const d = e.data as Thing;
          txids.push(await txid(ctx));
          await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [
            d.thingId,
            d.value,
          ]);
        },
      });
      await until(async () => (await effectCounts(w.ds, 'mixed')).size >= 3, 'the valid messages');
      await until(() => dlq.messages.length >= 2, 'two messages in the DLQ');

      expect([...(await effectCounts(w.ds, 'mixed')).entries()]).toEqual([
        [1, 1],
        [2, 1],
        [3, 1],
      ]);
      expect(txids).toHaveLength(3);
      expect(new Set(txids).size).toBe(1);
      const reasons = dlq.messages.map((m) => m.headers?.['x-dlq-reason']?.toString());
      expect(reasons).toEqual(['decode_error', 'validation_error']);
      await dlq.stop();
    });

    it('never commits a transaction in which a handler caught a database error itself: it is retried, then dead-lettered', async () => {
      const w = await world();
      const values = [20, 21, 22, 23, 24];
      await w.messaging.publisher.publish(
        values.map((v) => ({ contract: ThingHappened, envelope: thing('swallowed', v) })),
      );
      const dlq = await collect(w.brokers, dlqTopicOf(w.messaging.topic(topic)));
      const attemptsOf22: number[] = [];
      await w.messaging.consume({
        groupId: 'swallowed',
        concurrency,
        topics: [topic],
        contracts: [ThingHappened],
        maxAttempts: 2,
        handle: async (e, ctx) => {
          const d = e.data as Thing;
          await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [
            d.thingId,
            d.value,
          ]);
          if (d.value === 22) {
            attemptsOf22.push(ctx.attempt);
            // The handler swallows the error: PostgreSQL has aborted the transaction all the same.
            await ctx.manager.query('SELECT 1 / 0').catch(() => undefined);
          }
        },
      });
      await until(() => dlq.messages.length >= 1, 'the swallowing event in the DLQ');
      await until(async () => (await effectCounts(w.ds, 'swallowed')).size >= 4, 'the other events');

      const counts = await effectCounts(w.ds, 'swallowed');
      expect([...counts.keys()]).toEqual([20, 21, 23, 24]);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      // Its try in the group, then its own tries until maxAttempts, then the DLQ: never a silent rollback.
      expect(attemptsOf22.at(-1)).toBe(2);
      expect(dlq.messages).toHaveLength(1);
      expect(dlq.messages[0].headers?.['x-dlq-error']?.toString()).toMatch(/caught|aborted/);
      await dlq.stop();
    });

    it('redoes every message of a group one by one when its commit fails', async () => {
      const w = await world();
      // A deferred unique constraint fails at COMMIT, after every handler returned: no handler is to blame.
      await w.ds.query(
        'CREATE TABLE deferred_once (v int, CONSTRAINT deferred_once_v UNIQUE (v) DEFERRABLE INITIALLY DEFERRED)',
      );
      await w.ds.query('INSERT INTO deferred_once (v) VALUES (13)');
      const values = [10, 11, 12, 13, 14, 15, 16];
      await w.messaging.publisher.publish(
        values.map((v) => ({ contract: ThingHappened, envelope: thing('deferred', v) })),
      );
      const dlq = await collect(w.brokers, dlqTopicOf(w.messaging.topic(topic)));
      const attemptsOf13: number[] = [];
      await w.messaging.consume({
        groupId: 'deferred',
        concurrency,
        topics: [topic],
        contracts: [ThingHappened],
        maxAttempts: 3,
        handle: async (e, ctx) => {
          const d = e.data as Thing;
          if (d.value === 13) attemptsOf13.push(ctx.attempt);
          await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [
            d.thingId,
            d.value,
          ]);
          await ctx.manager.query('INSERT INTO deferred_once (v) VALUES ($1)', [d.value]);
        },
      });
      await until(() => dlq.messages.length >= 1, 'the failing event in the DLQ');
      await until(async () => (await effectCounts(w.ds, 'deferred')).size >= 6, 'the other events');

      const counts = await effectCounts(w.ds, 'deferred');
      expect([...counts.keys()]).toEqual(values.filter((v) => v !== 13));
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      // The group's try did not throw, so it does not count: three tries of its own, then the DLQ.
      expect(attemptsOf13).toEqual([1, 1, 2, 3]);
      expect(dlq.messages).toHaveLength(1);
      expect(dlq.messages[0].headers?.['x-dlq-attempts']?.toString()).toBe('3');
      await dlq.stop();
    });

    it('ends a group early once its transaction has run batchMaxMs', async () => {
      const w = await world();
      await w.messaging.publisher.publish(
        Array.from({ length: 10 }, (_, i) => ({ contract: ThingHappened, envelope: thing('slow', i) })),
      );
      const txids = new Set<string>();
      await w.messaging.consume({
        groupId: 'slow',
        concurrency,
        topics: [topic],
        contracts: [ThingHappened],
        batchMaxMs: 50,
        handle: async (e, ctx) => {
          const d = e.data as Thing;
          txids.add(await txid(ctx));
          await ctx.manager.query('SELECT pg_sleep(0.03)');
          await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [
            d.thingId,
            d.value,
          ]);
        },
      });
      await until(async () => (await effectCounts(w.ds, 'slow')).size >= 10, 'ten events');

      expect([...(await effectCounts(w.ds, 'slow')).values()].every((n) => n === 1)).toBe(true);
      // 10 × 30 ms with groups closed after 50 ms: at least four transactions (one group would take 300 ms).
      expect(txids.size).toBeGreaterThanOrEqual(4);
    });

    it('runs beforeGroup in the group transaction, and applies the group one by one if it throws', async () => {
      const w = await world();
      const publish = (values: number[]) =>
        w.messaging.publisher.publish(
          values.map((v) => ({ contract: ThingHappened, envelope: thing('before', v) })),
        );
      await publish([0, 1, 2, 3, 4, 5]);
      const groups: { values: number[]; txid: string }[] = [];
      const txidOf = new Map<number, string>();
      await w.messaging.consume({
        groupId: 'before',
        concurrency,
        topics: [topic],
        contracts: [ThingHappened],
        beforeGroup: async (envelopes, manager) => {
          const [{ id }] = (await manager.query('SELECT txid_current()::text AS id')) as { id: string }[];
          groups.push({ values: envelopes.map((e) => (e.data as Thing).value), txid: id });
          if (groups.length === 1) throw new Error('could not lock');
        },
        handle: async (e, ctx) => {
          const d = e.data as Thing;
          txidOf.set(d.value, await txid(ctx));
          await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [
            d.thingId,
            d.value,
          ]);
        },
      });
      await until(async () => (await effectCounts(w.ds, 'before')).size >= 6, 'the first six events');
      await publish([6, 7, 8]);
      await until(async () => (await effectCounts(w.ds, 'before')).size >= 9, 'the last three events');

      const counts = await effectCounts(w.ds, 'before');
      expect([...counts.values()]).toEqual(Array(9).fill(1));
      // The first group failed before any handler ran: its events were applied one per transaction.
      expect(groups[0].values).toEqual([0, 1, 2, 3, 4, 5]);
      expect(new Set([0, 1, 2, 3, 4, 5].map((v) => txidOf.get(v))).size).toBe(6);
      // The next group ran it in the transaction of its handlers.
      expect(groups.slice(1)).toEqual([{ values: [6, 7, 8], txid: txidOf.get(6) }]);
      expect(new Set([6, 7, 8].map((v) => txidOf.get(v)))).toEqual(new Set([txidOf.get(6)]));
    });

    it('counts its requests to Kafka by client and API', async () => {
      const w = await world();
      const requests = (labels: Record<string, string>) =>
        metric(w.registry, 'messaging_kafka_requests_total', labels);
      // A first publish settles the producer on the new topic's leader (a fresh broker may answer "not the
      // leader" once, and kafkajs retries: one more request); the three counted publishes come after it.
      await w.messaging.publisher.publish([{ contract: ThingHappened, envelope: thing('requests', 0) }]);
      const producedBefore = await requests({ client: 'producer', api: 'Produce' });
      for (let i = 1; i <= 3; i++)
        await w.messaging.publisher.publish([{ contract: ThingHappened, envelope: thing('requests', i) }]);
      let hooks = 0;
      await w.messaging.consume({
        groupId: 'requests',
        concurrency,
        topics: [topic],
        contracts: [ThingHappened],
        handle: async (_e, ctx) => ctx.afterCommit(() => void hooks++),
      });
      await until(async () => hooks >= 4, 'four events applied');
      const group = w.messaging.topic('requests');
      // one Produce per publish call; the consumer fetched, joined its group and committed what it applied
      expect(producedBefore).toBeGreaterThanOrEqual(1);
      expect((await requests({ client: 'producer', api: 'Produce' })) - producedBefore).toBe(3);
      expect(await requests({ client: 'admin', api: 'CreateTopics' })).toBeGreaterThanOrEqual(1);
      expect(await requests({ client: group, api: 'Fetch' })).toBeGreaterThanOrEqual(1);
      expect(await requests({ client: group, api: 'JoinGroup' })).toBeGreaterThanOrEqual(1);
      await until(
        async () => (await requests({ client: group, api: 'OffsetCommit' })) >= 1,
        'the group to commit its offsets',
      );
      expect(await requests({ client: group, api: 'Produce' })).toBe(0);
    });

    it('commits a group’s offsets once per interval, not per batch, and the rest when it stops', async () => {
      const w = await world(60_000);
      let hooks = 0;
      const running = await w.messaging.consume({
        groupId: 'commits',
        concurrency,
        topics: [topic],
        contracts: [ThingHappened],
        handle: async (_e, ctx) => ctx.afterCommit(() => void hooks++),
      });
      // one event at a time: ten batches
      for (let i = 1; i <= 10; i++) {
        await w.messaging.publisher.publish([
          { contract: ThingHappened, envelope: thing(`commits-${i}`, i) },
        ]);
        await until(async () => hooks >= i, `event ${i} applied`);
      }
      const group = w.messaging.topic('commits');
      const commits = () =>
        metric(w.registry, 'messaging_kafka_requests_total', { client: group, api: 'OffsetCommit' });
      expect(await commits()).toBe(0);
      expect(await metric(w.registry, 'messaging_batch_size_count', { group })).toBe(10);

      await running.stop();
      expect(await commits()).toBe(1);
      const admin = new Kafka({
        brokers: w.brokers,
        clientId: 'offsets',
        logLevel: logLevel.NOTHING,
      }).admin();
      await admin.connect();
      try {
        const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [w.messaging.topic(topic)] });
        const committed = offsets.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
        expect(committed).toBe(10);
      } finally {
        await admin.disconnect();
      }
    });

    it('refuses a batch size that is not a positive integer', async () => {
      const w = await world();
      const spec = {
        groupId: 'bad',
        topics: [topic],
        contracts: [ThingHappened],
        handle: async () => undefined,
      };
      await expect(w.messaging.consume({ ...spec, batchSize: 0 })).rejects.toThrow('batchSize');
      await expect(w.messaging.consume({ ...spec, batchSize: 2.5 })).rejects.toThrow('batchSize');
    });
  },
);
