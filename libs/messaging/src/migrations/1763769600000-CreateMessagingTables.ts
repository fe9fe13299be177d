import type { MigrationInterface, QueryRunner } from 'typeorm';

import { CreateOutboxFailed1763769600001 } from './1763769600001-CreateOutboxFailed';
import { OutboxPayloadLz41796700000000 } from './1796700000000-OutboxPayloadLz4';

/**
 * The transactional outbox (events written with the state change that announces them, relayed to Kafka) and the
 * inbox (event ids a consumer group has already applied, written in the same transaction as the effect).
 * Every service that uses @practice-sync/messaging includes this migration in its own schema.
 */
export class CreateMessagingTables1763769600000 implements MigrationInterface {
  name = 'CreateMessagingTables1763769600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        seq        bigserial PRIMARY KEY,
        id         uuid NOT NULL UNIQUE,
        topic      text NOT NULL,
        key        text NOT NULL,
        payload    text NOT NULL,
        headers    jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE inbox (
        consumer_group text NOT NULL,
        event_id       uuid NOT NULL,
        processed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE inbox');
    await q.query('DROP TABLE outbox');
  }
}

export const MessagingMigrations = [
  CreateMessagingTables1763769600000,
  CreateOutboxFailed1763769600001,
  OutboxPayloadLz41796700000000,
];
