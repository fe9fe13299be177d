import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `connector_jobs.trace_parent`: the W3C `traceparent` of the consumer span that recorded the job, so the
 * worker that runs it later continues the job's trace (null with tracing off, and for older rows).
 */
export class AddConnectorJobTraceParent1765100000000 implements MigrationInterface {
  name = 'AddConnectorJobTraceParent1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE connector_jobs ADD COLUMN trace_parent text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE connector_jobs DROP COLUMN trace_parent');
  }
}
