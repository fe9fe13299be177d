import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A `books.snapshot` run's options (`{ replace }`, POST /v1/branch-links/{id}/snapshot); null for other runs. */
export class BooksSnapshotRuns1795630000002 implements MigrationInterface {
  name = 'BooksSnapshotRuns1795630000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs ADD COLUMN books_snapshot jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs DROP COLUMN books_snapshot`);
  }
}
