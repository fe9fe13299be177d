import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who holds an in-progress Idempotency-Key: the claiming gateway's liveness identity (`ProcessLiveness`,
 * `pg:<pid>:<backend start>`). A key whose holder died mid-request (issue 24) is taken over by the next request
 * with it instead of answering "in progress" until it expires. Rows from before have none: taken over too.
 */
export class IdempotencyKeyOwners1795680000002 implements MigrationInterface {
  name = 'IdempotencyKeyOwners1795680000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_keys ADD COLUMN owner text NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_keys DROP COLUMN owner');
  }
}
