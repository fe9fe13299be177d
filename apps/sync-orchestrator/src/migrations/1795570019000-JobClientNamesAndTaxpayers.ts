import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run's log must read as a person reads it: each job keeps the client's name as it was when the run was
 * fanned out (from client-master's selection page, which the fan-out reads anyway), so the summary and job
 * lists name clients without a call per page, and stay readable after a rename or a deletion. An e-sign job
 * keeps its per-taxpayer breakdown (succeeded / unsuccessful with the reason / no change) from its result.
 * Both nullable: older rows and other categories have none; adding them rewrites no row.
 */
export class JobClientNamesAndTaxpayers1795570019000 implements MigrationInterface {
  name = 'JobClientNamesAndTaxpayers1795570019000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_jobs ADD COLUMN client_name text NULL, ADD COLUMN taxpayers jsonb NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_jobs DROP COLUMN taxpayers, DROP COLUMN client_name`);
  }
}
