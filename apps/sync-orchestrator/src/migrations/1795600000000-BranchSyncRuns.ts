import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs over branch links (DESIGN.md "Branch sync"): a run records what it is over (`clients` or `links`); a
 * link's job has no client but a `link_id` (its subject value is the link id, kind `link`) and keeps, from the
 * fan-out, what its dispatch sends (`books`: both books servers and the class's active rules). Its result's
 * `link_checked_at` says when that was read: dispatch sends only a snapshot younger than BOOKS_LINK_MAX_AGE_MS
 * (older ones are re-read first, so a rule rejected meanwhile is honoured). Its result's
 * `counts.errors` (objects the receiver refused) and how many failed objects it listed are kept beside the
 * created/altered/deleted/unchanged counts, which reuse added/updated/removed/unchanged. One job per link and
 * class in a run (a resumed fan-out never duplicates one), as the natural key does for clients.
 */
export class BranchSyncRuns1795600000000 implements MigrationInterface {
  name = 'BranchSyncRuns1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sync_runs
        ADD COLUMN subject_kind text NOT NULL DEFAULT 'clients',
        ADD CONSTRAINT sync_runs_subject_kind_check CHECK (subject_kind IN ('clients', 'links'))`);
    await q.query(`
      ALTER TABLE sync_jobs
        ALTER COLUMN client_id DROP NOT NULL,
        ADD COLUMN link_id uuid NULL,
        ADD COLUMN books jsonb NULL,
        ADD COLUMN link_checked_at timestamptz NULL,
        ADD COLUMN object_errors integer NOT NULL DEFAULT 0,
        ADD COLUMN failed_objects integer NOT NULL DEFAULT 0,
        DROP CONSTRAINT sync_jobs_subject_kind_check,
        ADD CONSTRAINT sync_jobs_subject_kind_check
          CHECK (subject_kind IN ('gstin', 'pan', 'esignClientFileId', 'link')),
        ADD CONSTRAINT sync_jobs_one_subject_check CHECK ((client_id IS NULL) <> (link_id IS NULL))`);
    await q.query(
      `CREATE UNIQUE INDEX sync_jobs_link_key ON sync_jobs (run_id, link_id, category) WHERE link_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM sync_jobs WHERE link_id IS NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS sync_jobs_link_key`);
    await q.query(`
      ALTER TABLE sync_jobs
        DROP CONSTRAINT sync_jobs_one_subject_check,
        DROP CONSTRAINT sync_jobs_subject_kind_check,
        ADD CONSTRAINT sync_jobs_subject_kind_check CHECK (subject_kind IN ('gstin', 'pan', 'esignClientFileId')),
        DROP COLUMN failed_objects,
        DROP COLUMN object_errors,
        DROP COLUMN link_checked_at,
        DROP COLUMN books,
        DROP COLUMN link_id,
        ALTER COLUMN client_id SET NOT NULL`);
    await q.query(
      `ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_subject_kind_check, DROP COLUMN subject_kind`,
    );
  }
}
