import { dlqTopicOf, Topics } from '@practice-sync/contracts';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';

import {
  collect,
  freshDataSource,
  infra,
  newMessaging,
  thing,
  ThingHappened,
  until,
} from '../../test/messaging-fixture';
import type { KafkaMessaging } from './kafka-messaging';

const topic = Topics.ClientEvents;

// Every case runs with one transaction per message (`batchSize` 1) and with the default batching, each in its
// own schema, topics and groups.
describe.each([
  { mode: 'one message per transaction', batchSize: 1 },
  { mode: 'batched (default)', batchSize: undefined },
])('KafkaMessaging consumer, $mode (real Kafka + PostgreSQL)', ({ batchSize }) => {
  const { databaseUrl, brokers, prefix } = infra();
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

  async function effects(): Promise<{ thing_id: string; value: number }[]> {
    return ds.query('SELECT thing_id, value FROM effects ORDER BY id');
  }

  it('sends a poison message to the DLQ with the reason and keeps handling later messages', async () => {
    const raw = new Kafka({ brokers, clientId: 'raw', logLevel: logLevel.NOTHING }).producer();
    await raw.connect();
    const group = 'poison';
    await messaging.consume({
      batchSize,
      groupId: group,
      topics: [topic],
      contracts: [ThingHappened],
      handle: async (env, ctx) => {
        const d = env.data as { thingId: string; value: number };
        if (d.thingId !== 'poison-run') return;
        await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [
          d.thingId,
          d.value,
        ]);
      },
    });
    const dlq = await collect(brokers, dlqTopicOf(messaging.topic(topic)));
    // not JSON, then a valid envelope whose data breaks the schema, then a good message
    await raw.send({ topic: messaging.topic(topic), messages: [{ key: 'poison-run', value: '{not json' }] });
    const bad = { ...thing('poison-run', 1), data: { thingId: 'poison-run', value: 'seven' } };
    await raw.send({
      topic: messaging.topic(topic),
      messages: [{ key: 'poison-run', value: JSON.stringify(bad) }],
    });
    await messaging.publisher.publish([{ contract: ThingHappened, envelope: thing('poison-run', 42) }]);

    await until(async () => (await effects()).some((e) => e.value === 42), 'the good message to be handled');
    await until(() => dlq.messages.length >= 2, 'two messages in the DLQ');
    const reasons = dlq.messages.map((m) => m.headers?.['x-dlq-reason']?.toString()).sort();
    expect(reasons).toEqual(['decode_error', 'validation_error']);
    const validation = dlq.messages.find(
      (m) => m.headers?.['x-dlq-reason']?.toString() === 'validation_error',
    );
    expect(validation?.headers?.['x-dlq-error']?.toString()).toContain('value');
    expect(validation?.headers?.['x-dlq-source-topic']?.toString()).toBe(messaging.topic(topic));
    await dlq.stop();
    await raw.disconnect();
  });

  it('applies a redelivered message once', async () => {
    const env = thing('redeliver', 7);
    let calls = 0;
    await messaging.consume({
      batchSize,
      groupId: 'redeliver',
      topics: [topic],
      contracts: [ThingHappened],
      handle: async (e, ctx) => {
        const d = e.data as { thingId: string; value: number };
        if (d.thingId !== 'redeliver') return;
        calls++;
        await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [
          d.thingId,
          d.value,
        ]);
      },
    });
    await messaging.publisher.publish([{ contract: ThingHappened, envelope: env }]);
    await messaging.publisher.publish([{ contract: ThingHappened, envelope: env }]);
    await messaging.publisher.publish([{ contract: ThingHappened, envelope: thing('redeliver', 8) }]);
    await until(async () => (await effects()).some((e) => e.value === 8), 'the marker message');
    const rows = (await effects()).filter((e) => e.thing_id === 'redeliver');
    expect(rows.map((r) => r.value)).toEqual([7, 8]);
    expect(calls).toBe(2);
  });

  it('retries a failing handler, then dead-letters it and carries on', async () => {
    const attempts: number[] = [];
    const dlq = await collect(brokers, dlqTopicOf(messaging.topic(topic)));
    await messaging.consume({
      batchSize,
      groupId: 'flaky',
      topics: [topic],
      contracts: [ThingHappened],
      maxAttempts: 3,
      handle: async (e, ctx) => {
        const d = e.data as { thingId: string; value: number };
        if (d.thingId !== 'flaky') return;
        if (d.value === 1) {
          attempts.push(ctx.attempt);
          // the effect is written, then the handler fails: the transaction must roll it back
          await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', ['flaky', 1]);
          throw new Error('downstream said no');
        }
        await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', ['flaky', d.value]);
      },
    });
    await messaging.publisher.publish([
      { contract: ThingHappened, envelope: thing('flaky', 1) },
      { contract: ThingHappened, envelope: thing('flaky', 2) },
    ]);
    await until(
      async () => (await effects()).some((e) => e.thing_id === 'flaky' && e.value === 2),
      'the next message',
    );
    await until(
      () => dlq.messages.some((m) => m.headers?.['x-dlq-reason']?.toString() === 'handler_failed'),
      'DLQ',
    );
    expect(attempts).toEqual([1, 2, 3]);
    const flaky = (await effects()).filter((e) => e.thing_id === 'flaky').map((e) => e.value);
    expect(flaky).toEqual([2]);
    const dead = dlq.messages.find((m) => m.headers?.['x-dlq-reason']?.toString() === 'handler_failed');
    expect(dead?.headers?.['x-dlq-error']?.toString()).toBe('downstream said no');
    expect(dead?.headers?.['x-dlq-attempts']?.toString()).toBe('3');
    await dlq.stop();
  });

  it('runs after-commit hooks once per applied event, after its commit, never for a rolled-back try', async () => {
    const ran: { value: number; attempt: number }[] = [];
    const seenCommitted: Promise<unknown[]>[] = [];
    const env = thing('after-commit', 1);
    await messaging.consume({
      batchSize,
      groupId: 'after-commit',
      topics: [topic],
      contracts: [ThingHappened],
      maxAttempts: 3,
      handle: async (e, ctx) => {
        const d = e.data as { thingId: string; value: number };
        if (d.thingId !== 'after-commit') return;
        await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [
          d.thingId,
          d.value,
        ]);
        // A failing hook is skipped; the ones after it still run.
        if (d.value === 2) ctx.afterCommit(() => void JSON.parse('{not json'));
        ctx.afterCommit(() => {
          ran.push({ value: d.value, attempt: ctx.attempt });
          // Another connection sees the effect: the hook ran after the commit, not before it.
          seenCommitted.push(
            ds.query('SELECT 1 FROM effects WHERE thing_id = $1 AND value = $2', [d.thingId, d.value]),
          );
        });
        // The first try of the first event registers its hook, then rolls back.
        if (d.value === 1 && ctx.attempt === 1) throw new Error('rolled back after registering a hook');
      },
    });
    await messaging.publisher.publish([{ contract: ThingHappened, envelope: env }]);
    await messaging.publisher.publish([{ contract: ThingHappened, envelope: env }]);
    await messaging.publisher.publish([{ contract: ThingHappened, envelope: thing('after-commit', 2) }]);
    await until(() => ran.some((r) => r.value === 2), 'the second event handled');
    expect(ran).toEqual([
      { value: 1, attempt: 2 },
      { value: 2, attempt: 1 },
    ]);
    expect((await Promise.all(seenCommitted)).map((rows) => rows.length)).toEqual([1, 1]);
    const rows = (await effects()).filter((e) => e.thing_id === 'after-commit');
    expect(rows.map((r) => r.value)).toEqual([1, 2]);
  });
});
