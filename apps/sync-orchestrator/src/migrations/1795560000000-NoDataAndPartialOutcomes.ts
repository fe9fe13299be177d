import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two outcomes join the taxonomy: `no_data` (the portal holds nothing for the subject and period) and `partial`
 * (some parts of a multi-part category fetched and kept, at least one failed). Runs count each apart, and a
 * job keeps its per-part report (`parts`).
 */
export class NoDataAndPartialOutcomes1795560000000 implements MigrationInterface {
  name = 'NoDataAndPartialOutcomes1795560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs ADD COLUMN no_data integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE sync_runs ADD COLUMN partial integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE sync_jobs ADD COLUMN parts jsonb NULL`);
    await q.query(`ALTER TABLE sync_jobs DROP CONSTRAINT sync_jobs_outcome_check`);
    await q.query(
      `ALTER TABLE sync_jobs ADD CONSTRAINT sync_jobs_outcome_check
         CHECK (outcome IN ('succeeded', 'no_change', 'failed', 'skipped', 'cancelled', 'no_data', 'partial'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_jobs DROP CONSTRAINT sync_jobs_outcome_check`);
    await q.query(
      `ALTER TABLE sync_jobs ADD CONSTRAINT sync_jobs_outcome_check
         CHECK (outcome IN ('succeeded', 'no_change', 'failed', 'skipped', 'cancelled'))`,
    );
    await q.query(`ALTER TABLE sync_jobs DROP COLUMN parts`);
    await q.query(`ALTER TABLE sync_runs DROP COLUMN partial`);
    await q.query(`ALTER TABLE sync_runs DROP COLUMN no_data`);
  }
}
