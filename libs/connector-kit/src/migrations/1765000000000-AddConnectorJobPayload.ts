import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `connector_jobs.payload`: the job request as received, for a connector whose jobs are not portal jobs
 * (connector-books: the link's companies and rules). Portal jobs leave it null.
 */
export class AddConnectorJobPayload1765000000000 implements MigrationInterface {
  name = 'AddConnectorJobPayload1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE connector_jobs ADD COLUMN payload jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE connector_jobs DROP COLUMN payload');
  }
}
