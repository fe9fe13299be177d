import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schedules over branch links (DESIGN.md "Branch sync"): a schedule is over `clients` or `links`, as a run is
 * (its `selection` holds either). A tick that starts no run because the schedule's previous run, or another run
 * over the same links, is still going records when and why (`skipped_at`, `skip_reason`); both are cleared by
 * the next tick that starts a run.
 */
export class LinkSchedules1795650000001 implements MigrationInterface {
  name = 'LinkSchedules1795650000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sync_schedules
        ADD COLUMN subject_kind text NOT NULL DEFAULT 'clients',
        ADD COLUMN skipped_at timestamptz NULL,
        ADD COLUMN skip_reason text NULL,
        ADD CONSTRAINT sync_schedules_subject_kind_check CHECK (subject_kind IN ('clients', 'links'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sync_schedules
        DROP CONSTRAINT sync_schedules_subject_kind_check,
        DROP COLUMN skip_reason,
        DROP COLUMN skipped_at,
        DROP COLUMN subject_kind`);
  }
}
