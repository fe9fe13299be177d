import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A books job's `held` and `conflicts` counts (on-demand links, conflicts), from its result. */
export class BooksHeldConflicts1795615000000 implements MigrationInterface {
  name = 'BooksHeldConflicts1795615000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_jobs
        ADD COLUMN books_held integer NOT NULL DEFAULT 0,
        ADD COLUMN books_conflicts integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_jobs DROP COLUMN books_held, DROP COLUMN books_conflicts`);
  }
}
