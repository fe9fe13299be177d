import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Needs PostgreSQL 15+ (`NULLS NOT DISTINCT`: categories without a period still have one cell per subject). */
export class CreateStatusCells1763856200000 implements MigrationInterface {
  name = 'CreateStatusCells1763856200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE status_cells (
        id                 bigserial PRIMARY KEY,
        firm_id            uuid NOT NULL,
        client_id          uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
        category           text NOT NULL,
        subject_kind       text NOT NULL,
        subject_value      text NOT NULL,
        period             text,
        last_outcome       text NOT NULL,
        last_error_code    text,
        last_error_message text,
        last_run_id        uuid NOT NULL,
        last_job_id        uuid NOT NULL,
        last_finished_at   timestamptz NOT NULL,
        last_success_at    timestamptz,
        updated_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT status_cells_natural_key
          UNIQUE NULLS NOT DISTINCT (firm_id, client_id, category, subject_kind, subject_value, period)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE status_cells');
  }
}
