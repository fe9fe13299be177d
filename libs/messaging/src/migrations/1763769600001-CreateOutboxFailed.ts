import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbox rows the broker refused for good (e.g. over its size limit), kept with the reason for an operator. */
export class CreateOutboxFailed1763769600001 implements MigrationInterface {
  name = 'CreateOutboxFailed1763769600001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_failed (
        seq       bigint PRIMARY KEY,
        id        uuid NOT NULL,
        topic     text NOT NULL,
        key       text NOT NULL,
        payload   text NOT NULL,
        headers   jsonb NOT NULL,
        error     text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbox_failed');
  }
}
