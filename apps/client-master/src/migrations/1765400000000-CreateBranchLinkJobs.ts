import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The latest job seen per branch link and class, from `books.job.requested` and `books.job.completed`: the
 * link's state (syncing / online / failed) is derived from these rows, and an event older than a row's (an
 * earlier attempt's result, a request delivered after its own result) leaves it alone.
 */
export class CreateBranchLinkJobs1765400000000 implements MigrationInterface {
  name = 'CreateBranchLinkJobs1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE branch_link_jobs (
        link_id     uuid NOT NULL,
        category    text NOT NULL,
        job_id      uuid NOT NULL,
        attempt     integer NOT NULL,
        phase       text NOT NULL,
        at          timestamptz NOT NULL,
        outcome     text,
        error       text,
        finished_at timestamptz,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT branch_link_jobs_pkey PRIMARY KEY (link_id, category),
        CONSTRAINT branch_link_jobs_link_id_fkey FOREIGN KEY (link_id) REFERENCES branch_links (id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE branch_link_jobs');
  }
}
