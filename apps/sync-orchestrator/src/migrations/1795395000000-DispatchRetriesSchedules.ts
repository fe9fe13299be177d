import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Throttled dispatch, retries, cancel, retry-a-run, coalesced progress and schedules.
 * Jobs are now created `pending` and dispatched later by the dispatcher (per-firm and per-portal caps), so
 * `next_attempt_at` (back-off), `deadline_at` (lost-job expiry) and `waiting_for_job_id` (the same data is
 * already being fetched by another run's job) live on the job row.
 */
export class DispatchRetriesSchedules1795395000000 implements MigrationInterface {
  name = 'DispatchRetriesSchedules1795395000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sync_jobs
        ADD COLUMN next_attempt_at timestamptz NULL,
        ADD COLUMN deadline_at timestamptz NULL,
        ADD COLUMN waiting_for_job_id uuid NULL`);
    // Candidates for dispatch, per run in id order (the dispatcher asks per run and portal).
    await q.query(`CREATE INDEX sync_jobs_pending_idx ON sync_jobs (run_id, id) WHERE status = 'pending'`);
    // In-flight counts per firm and portal (the caps), and lost-job expiry.
    await q.query(`CREATE INDEX sync_jobs_running_idx ON sync_jobs (deadline_at) WHERE status = 'running'`);
    // "Is this data already being fetched?" across runs: one active job per identifier, category, period.
    await q.query(
      `CREATE INDEX sync_jobs_active_key_idx ON sync_jobs (firm_id, category, subject_value, period)
        WHERE status <> 'done' AND attempts > 0`,
    );
    await q.query(
      `CREATE INDEX sync_jobs_waiting_idx ON sync_jobs (waiting_for_job_id)
        WHERE status = 'pending' AND waiting_for_job_id IS NOT NULL`,
    );
    await q.query(`DROP INDEX IF EXISTS sync_jobs_open_idx`);

    await q.query(`
      ALTER TABLE sync_runs
        ADD COLUMN retry_of uuid NULL REFERENCES sync_runs (id) ON DELETE SET NULL,
        ADD COLUMN cancelled_at timestamptz NULL,
        ADD COLUMN progress_emitted_at timestamptz NULL,
        ADD COLUMN progress_dirty boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE INDEX sync_runs_active_idx ON sync_runs (id) WHERE status = 'running'`);
    await q.query(
      `CREATE INDEX sync_runs_progress_idx ON sync_runs (progress_emitted_at) WHERE progress_dirty`,
    );

    await q.query(`
      CREATE TABLE sync_schedules (
        id uuid PRIMARY KEY,
        firm_id text NOT NULL,
        name text NOT NULL,
        selection jsonb NOT NULL,
        categories text[] NOT NULL,
        period jsonb NULL,
        every text NULL,
        cron text NULL,
        not_before timestamptz NULL,
        enabled boolean NOT NULL DEFAULT true,
        last_run_id uuid NULL,
        next_run_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sync_schedules_one_rule CHECK ((every IS NULL) <> (cron IS NULL))
      )`);
    await q.query(`CREATE INDEX sync_schedules_firm_idx ON sync_schedules (firm_id, id)`);
    await q.query(`CREATE INDEX sync_schedules_due_idx ON sync_schedules (next_run_at) WHERE enabled`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS sync_schedules`);
    await q.query(`DROP INDEX IF EXISTS sync_runs_progress_idx`);
    await q.query(`DROP INDEX IF EXISTS sync_runs_active_idx`);
    await q.query(`
      ALTER TABLE sync_runs DROP COLUMN retry_of, DROP COLUMN cancelled_at, DROP COLUMN progress_emitted_at,
        DROP COLUMN progress_dirty`);
    await q.query(`DROP INDEX IF EXISTS sync_jobs_waiting_idx`);
    await q.query(`DROP INDEX IF EXISTS sync_jobs_active_key_idx`);
    await q.query(`DROP INDEX IF EXISTS sync_jobs_running_idx`);
    await q.query(`DROP INDEX IF EXISTS sync_jobs_pending_idx`);
    await q.query(`CREATE INDEX sync_jobs_open_idx ON sync_jobs (dispatched_at) WHERE status <> 'done'`);
    await q.query(
      `ALTER TABLE sync_jobs DROP COLUMN next_attempt_at, DROP COLUMN deadline_at, DROP COLUMN waiting_for_job_id`,
    );
  }
}
