import type { Envelope } from '@practice-sync/contracts';
import { createEnvelope, defineEvent, Topics } from '@practice-sync/contracts';
import { createServiceDataSource } from '@practice-sync/persistence';
import { randomBytes } from 'crypto';
import type { KafkaMessage } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';

import { KafkaMessaging } from '../src/core/kafka-messaging';
import { MessagingMigrations } from '../src/migrations/1763769600000-CreateMessagingTables';

/** A contract used only by the messaging tests. */
export const ThingHappened = defineEvent<{ thingId: string; value: number; padding?: string }>({
  type: 'test.thing.happened',
  version: 1,
  topics: [Topics.ClientEvents],
  schema: z.object({ thingId: z.string(), value: z.number().int(), padding: z.string().optional() }),
  key: (d) => d.thingId,
  description: 'test only',
});

class CreateEffects1700000000001 implements MigrationInterface {
  name = 'CreateEffects1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE effects (id serial PRIMARY KEY, thing_id text NOT NULL, value int NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE effects');
  }
}

export function infra(): { databaseUrl: string; brokers: string[]; prefix: string } {
  const id = randomBytes(4).toString('hex');
  return {
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    prefix: `${process.env.KAFKA_TOPIC_PREFIX ?? 't.'}msg${id}.`,
  };
}

/** A fresh schema with the messaging tables and an `effects` table, in the test run's database. */
export async function freshDataSource(databaseUrl: string): Promise<{ ds: DataSource; schema: string }> {
  const schema = `msg_${randomBytes(4).toString('hex')}`;
  const opts = {
    url: databaseUrl,
    schema,
    entities: [],
    migrations: [...MessagingMigrations, CreateEffects1700000000001],
  };
  const ds = createServiceDataSource(opts);
  await ds.initialize();
  await ds.query(`CREATE SCHEMA "${schema}"`);
  await ds.runMigrations();
  return { ds, schema };
}

export function newMessaging(
  ds: DataSource,
  brokers: string[],
  prefix: string,
  clientId = 'test',
): KafkaMessaging {
  return new KafkaMessaging({ brokers, clientId, topicPrefix: prefix, partitions: 2 }, { dataSource: ds });
}

export function thing(
  thingId: string,
  value: number,
  padding?: string,
): Envelope<{ thingId: string; value: number; padding?: string }> {
  return createEnvelope(
    ThingHappened,
    { thingId, value, ...(padding ? { padding } : {}) },
    { firmId: 'firm-1' },
  );
}

/** Collects every message of a topic from the beginning with a throwaway consumer group. */
export async function collect(
  brokers: string[],
  topic: string,
): Promise<{ messages: KafkaMessage[]; stop: () => Promise<void> }> {
  const kafka = new Kafka({ brokers, clientId: 'collector', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `collector-${randomBytes(4).toString('hex')}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
  return { messages, stop: () => consumer.disconnect() };
}

export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
