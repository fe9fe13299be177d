import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Synced records (one row per natural key, with content hash, version, first / last seen and removal marker)
 * and the change feed (one row per record a job added, updated or removed). PostgreSQL 15+ (NULLS NOT DISTINCT).
 */
export class CreateRecordsAndChanges1763856300000 implements MigrationInterface {
  name = 'CreateRecordsAndChanges1763856300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE records (
        id            uuid PRIMARY KEY,
        firm_id       uuid NOT NULL,
        client_id     uuid NOT NULL,
        category      text NOT NULL,
        subject_kind  text NOT NULL,
        subject_value text NOT NULL,
        period        text,
        natural_key   text NOT NULL,
        data          jsonb,
        hash          text,
        version       integer NOT NULL,
        first_seen_at timestamptz NOT NULL,
        last_seen_at  timestamptz NOT NULL,
        removed_at    timestamptz,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT records_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE,
        CONSTRAINT records_natural_key UNIQUE NULLS NOT DISTINCT
          (firm_id, client_id, category, subject_kind, subject_value, period, natural_key)
      )`);
    await q.query('CREATE INDEX records_client ON records (firm_id, client_id, id)');
    await q.query(`
      CREATE TABLE record_changes (
        id            uuid PRIMARY KEY,
        firm_id       uuid NOT NULL,
        client_id     uuid NOT NULL,
        run_id        uuid NOT NULL,
        job_id        uuid NOT NULL,
        category      text NOT NULL,
        subject_kind  text NOT NULL,
        subject_value text NOT NULL,
        period        text,
        natural_key   text NOT NULL,
        change        text NOT NULL,
        at            timestamptz NOT NULL,
        CONSTRAINT record_changes_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE,
        CONSTRAINT record_changes_once UNIQUE (job_id, natural_key)
      )`);
    await q.query('CREATE INDEX record_changes_client ON record_changes (firm_id, client_id, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE record_changes');
    await q.query('DROP TABLE records');
  }
}
