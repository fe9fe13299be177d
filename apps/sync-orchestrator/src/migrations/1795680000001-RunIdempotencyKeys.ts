import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run remembers the `Idempotency-Key` it was created with (the gateway forwards the client's): the same key
 * again in the same firm answers with that run instead of starting a second one, whatever became of the
 * gateway's own record of the key (issue 24: a gateway killed mid-request).
 */
export class RunIdempotencyKeys1795680000001 implements MigrationInterface {
  name = 'RunIdempotencyKeys1795680000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sync_runs ADD COLUMN idempotency_key text NULL');
    await q.query(
      `CREATE UNIQUE INDEX sync_runs_idempotency_key ON sync_runs (firm_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX sync_runs_idempotency_key');
    await q.query('ALTER TABLE sync_runs DROP COLUMN idempotency_key');
  }
}
