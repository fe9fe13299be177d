import type { EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import { Counter, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

import { freshDataSource, infra, thing, ThingHappened } from '../../test/messaging-fixture';
import { InboxConsumer } from './inbox-consumer';
import { silentLogger } from './logger';

/**
 * The shared transaction of partitions consumed together, driven directly (real PostgreSQL): through Kafka,
 * which partitions' groups meet in one transaction depends on timing; here both are handed over in the same
 * turn of the event loop, so they share one.
 */
describe('InboxConsumer: partitions sharing a transaction (real PostgreSQL)', () => {
  const { databaseUrl } = infra();
  let ds: DataSource;
  let schema: string;

  beforeAll(async () => {
    ({ ds, schema } = await freshDataSource(databaseUrl));
  });

  afterAll(async () => {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  });

  function batchOf(partition: number, thingIds: string[], resolved: string[]): EachBatchPayload {
    const messages = thingIds.map(
      (id, offset) =>
        ({
          key: Buffer.from(id),
          value: Buffer.from(JSON.stringify(thing(id, offset))),
          offset: String(offset),
          headers: {},
          timestamp: String(Date.now()),
          attributes: 0,
        }) as KafkaMessage,
    );
    return {
      batch: { topic: 'things', partition, messages },
      resolveOffset: (offset: string) => void resolved.push(`${partition}:${offset}`),
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload;
  }

  it('applies a group that ran before a failing one again: each message once, its hooks and counts once', async () => {
    const registry = new Registry();
    const consumed = new Counter({
      name: 'consumed',
      help: 'consumed',
      labelNames: ['topic', 'group', 'result'],
      registers: [registry],
    });
    const runs = new Map<string, number>();
    const hooked: string[] = [];
    const consumer = new InboxConsumer(
      {
        groupId: 'shared',
        topics: ['things'],
        contracts: [ThingHappened],
        batchSize: 10,
        concurrency: 2,
        handle: async (envelope, ctx) => {
          const { thingId, value } = envelope.data as { thingId: string; value: number };
          runs.set(thingId, (runs.get(thingId) ?? 0) + 1);
          await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [thingId, value]);
          ctx.afterCommit(() => hooked.push(thingId));
          if (thingId === 'bad' && ctx.attempt === 1) throw new Error('bad on its first try');
        },
      },
      'prefixed.shared',
      { dataSource: ds, producer: {} as Producer, logger: silentLogger, consumed },
    );
    const resolved: string[] = [];
    // Partition 0's group runs first in the shared transaction; partition 1's fails in it.
    await Promise.all([
      consumer.eachBatch(batchOf(0, ['a1', 'a2'], resolved)),
      consumer.eachBatch(batchOf(1, ['b1', 'bad'], resolved)),
    ]);

    const rows: { thing_id: string; n: number }[] = await ds.query(
      'SELECT thing_id, count(*)::int AS n FROM effects GROUP BY thing_id ORDER BY thing_id',
    );
    expect(rows).toEqual([
      { thing_id: 'a1', n: 1 },
      { thing_id: 'a2', n: 1 },
      { thing_id: 'b1', n: 1 },
      { thing_id: 'bad', n: 1 },
    ]);
    // Partition 0's handlers ran twice (the first run was rolled back with the failing group); partition 1's
    // went one by one after its group failed.
    expect(Object.fromEntries(runs)).toEqual({ a1: 2, a2: 2, b1: 2, bad: 2 });
    expect([...hooked].sort()).toEqual(['a1', 'a2', 'b1', 'bad']);
    const handled = (await registry.getSingleMetric('consumed')?.get())?.values.find(
      (v) => v.labels.result === 'handled',
    );
    expect(handled?.value).toBe(4);
    expect([...resolved].sort()).toEqual(['0:0', '0:1', '1:0', '1:1']);
  });
});
