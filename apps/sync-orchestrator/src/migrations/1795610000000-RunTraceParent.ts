import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `sync_runs.trace_parent`: the W3C `traceparent` of the request that created the run, so the jobs the
 * dispatcher sends later (a poller, outside that request) continue its trace. Null with tracing off, for runs
 * a schedule started, and for older rows.
 */
export class RunTraceParent1795610000000 implements MigrationInterface {
  name = 'RunTraceParent1795610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs ADD COLUMN trace_parent text NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs DROP COLUMN trace_parent`);
  }
}
