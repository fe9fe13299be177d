/**
 * PostgreSQL transactions of an idempotent consumer taking its partitions concurrently (issue 26): 1,200 events
 * over 48 keys on a 6-partition topic, published before the consumer starts, applied by `KafkaMessaging.consume`
 * (concurrency 6, batches of up to 100) with each partition's group in its own transaction, then with the groups
 * of the partitions taken together sharing one (group commit). Counts the consuming data source's transactions
 * (statement-counts.ts). Needs Kafka (KAFKA_BROKERS) and PostgreSQL (DATABASE_URL; a scratch database).
 */
import { createEnvelope, defineEvent, Topics } from '@practice-sync/contracts';
import { KafkaMessaging, MessagingMigrations } from '@practice-sync/messaging';
import { createServiceDataSource, statementCounts } from '@practice-sync/persistence';
import { createScratchDatabase } from '@practice-sync/testing';
import { z } from 'zod';

const EVENTS = 1200;
const KEYS = 48;
const PARTITIONS = 6;

const BenchThing = defineEvent<{ key: string; value: number }>({
  type: 'bench.thing.happened',
  version: 1,
  topics: [Topics.ClientEvents],
  schema: z.object({ key: z.string(), value: z.number().int() }),
  key: (d) => d.key,
  description: 'bench only',
});

export async function run() {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const tag = `bench_cg_${Date.now().toString(36)}`;
  const db = await createScratchDatabase(
    process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    tag,
  );
  const countsBefore = process.env['DB_STATEMENT_COUNTS'];
  process.env['DB_STATEMENT_COUNTS'] = 'true';
  const ds = createServiceDataSource({
    url: db.url,
    schema: 'consumer_bench',
    entities: [],
    migrations: [...MessagingMigrations],
  });
  if (countsBefore === undefined) delete process.env['DB_STATEMENT_COUNTS'];
  else process.env['DB_STATEMENT_COUNTS'] = countsBefore;
  await ds.initialize();
  await ds.query('CREATE SCHEMA IF NOT EXISTS consumer_bench');
  await ds.runMigrations();
  await ds.query('CREATE TABLE effects (key text NOT NULL, value int NOT NULL)');
  const figures = [];
  try {
    for (const share of [false, true]) {
      const prefix = `${tag}_${share ? 'shared' : 'own'}.`;
      const messaging = new KafkaMessaging(
        { brokers, clientId: 'bench', topicPrefix: prefix, partitions: PARTITIONS },
        { dataSource: ds },
      );
      await messaging.start([Topics.ClientEvents]);
      try {
        await messaging.publisher.publish(
          Array.from({ length: EVENTS }, (_, i) => ({
            contract: BenchThing,
            envelope: createEnvelope(BenchThing, { key: `k${i % KEYS}`, value: i }, { firmId: 'bench' }),
          })),
        );
        await ds.query('DELETE FROM effects');
        let applied = 0;
        let allApplied: () => void = () => undefined;
        const done = new Promise<void>((r) => (allApplied = r));
        const before = statementCounts.transactions;
        const started = performance.now();
        const consumer = await messaging.consume({
          groupId: 'bench',
          topics: [Topics.ClientEvents],
          contracts: [BenchThing],
          concurrency: PARTITIONS,
          shareTransactions: share,
          handle: async (envelope, ctx) => {
            const d = envelope.data as { key: string; value: number };
            await ctx.manager.query('INSERT INTO effects (key, value) VALUES ($1, $2)', [d.key, d.value]);
            ctx.afterCommit(() => {
              if (++applied === EVENTS) allApplied();
            });
          },
        });
        await done;
        const seconds = (performance.now() - started) / 1000;
        const transactions = statementCounts.transactions - before;
        await consumer.stop();
        figures.push({
          name: `consumer transactions per 100 events, ${share ? 'partitions sharing transactions' : 'a transaction per partition group'}`,
          value: Math.round((transactions / EVENTS) * 100 * 10) / 10,
          unit: 'transactions',
          note: `${EVENTS} events, ${KEYS} keys, ${PARTITIONS} partitions, concurrency ${PARTITIONS}; ${transactions} transactions of the consuming process (liveness and polls included), ${Math.round(EVENTS / seconds)} events/s`,
        });
      } finally {
        await messaging.stop();
      }
    }
    return figures;
  } finally {
    await ds.destroy();
    await db.drop();
  }
}
