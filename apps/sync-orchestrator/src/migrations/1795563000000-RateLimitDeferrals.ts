import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `deferrals`: how many times a job was re-queued because the portal throttled it (HTTP 429 with Retry-After).
 * Those dispatches count in `attempts` (each needs its own attempt number at the connector) but are not
 * spent against JOB_MAX_ATTEMPTS: the attempts a job has used are `attempts - deferrals`.
 */
export class RateLimitDeferrals1795563000000 implements MigrationInterface {
  name = 'RateLimitDeferrals1795563000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_jobs ADD COLUMN deferrals integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_jobs DROP COLUMN deferrals`);
  }
}
