import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs and their jobs. Run totals are counters kept on the run row (updated under its row lock) so listing
 * runs never aggregates jobs. The fan_out_* columns make the run row the durable fan-out intent: a worker
 * leases the run, pages client-master from `fan_out_cursor`, and a crash resumes from the last committed page.
 */
export class CreateSyncRunsAndJobs1795308600000 implements MigrationInterface {
  name = 'CreateSyncRunsAndJobs1795308600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sync_runs (
        id uuid PRIMARY KEY,
        firm_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'cancelled')),
        selection jsonb NOT NULL,
        categories text[] NOT NULL,
        period jsonb NOT NULL,
        schedule_id uuid NULL,
        jobs_total integer NOT NULL DEFAULT 0,
        pending integer NOT NULL DEFAULT 0,
        running integer NOT NULL DEFAULT 0,
        succeeded integer NOT NULL DEFAULT 0,
        no_change integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        cancelled integer NOT NULL DEFAULT 0,
        fan_out_page integer NOT NULL DEFAULT 0,
        fan_out_cursor text NULL,
        fan_out_lease_until timestamptz NULL,
        fan_out_error text NULL,
        fan_out_done_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz NULL,
        finished_at timestamptz NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Listing a firm's runs newest first (ids are UUIDv7, so id order is creation order).
    await q.query(`CREATE INDEX sync_runs_firm_idx ON sync_runs (firm_id, id DESC)`);
    // The fan-out worker only ever looks at runs whose fan-out has not finished.
    await q.query(`CREATE INDEX sync_runs_fan_out_idx ON sync_runs (id) WHERE fan_out_done_at IS NULL`);

    await q.query(`
      CREATE TABLE sync_jobs (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
        firm_id text NOT NULL,
        client_id uuid NOT NULL,
        category text NOT NULL,
        subject_kind text NOT NULL CHECK (subject_kind IN ('gstin', 'pan', 'esignClientFileId')),
        subject_value text NOT NULL,
        period text NULL,
        status text NOT NULL CHECK (status IN ('pending', 'running', 'done')),
        outcome text NULL CHECK (outcome IN ('succeeded', 'no_change', 'failed', 'skipped', 'cancelled')),
        error_code text NULL,
        error_message text NULL,
        retryable boolean NULL,
        attempts integer NOT NULL DEFAULT 0,
        added integer NOT NULL DEFAULT 0,
        updated integer NOT NULL DEFAULT 0,
        removed integer NOT NULL DEFAULT 0,
        unchanged integer NOT NULL DEFAULT 0,
        dispatched_at timestamptz NULL,
        started_at timestamptz NULL,
        finished_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- One job per client identifier and category in a run: a resumed fan-out never duplicates a job.
        -- A skipped job (identifier missing) stores '' as its subject value.
        CONSTRAINT sync_jobs_natural_key UNIQUE (run_id, client_id, category, subject_value)
      )`);
    await q.query(`CREATE INDEX sync_jobs_run_idx ON sync_jobs (run_id, id)`);
    await q.query(`CREATE INDEX sync_jobs_run_outcome_idx ON sync_jobs (run_id, outcome, id)`);
    // Jobs still out with a connector, oldest dispatch first (lost-job expiry scans this).
    await q.query(`CREATE INDEX sync_jobs_open_idx ON sync_jobs (dispatched_at) WHERE status <> 'done'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS sync_jobs`);
    await q.query(`DROP TABLE IF EXISTS sync_runs`);
  }
}
