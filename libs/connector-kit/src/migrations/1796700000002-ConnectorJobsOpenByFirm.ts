import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claim's indexes (issue 26). The claim ranked every open job of every firm to pick a few: its cost grew with
 * the queue (5,000 queued GST jobs: ~10,000 buffer reads per claim). Now it walks the firms with open jobs
 * through `connector_jobs_open_by_firm`, takes each firm's oldest few, and counts each firm's running jobs
 * through `connector_jobs_running_by_firm` (running rows only), so its cost follows the firms and the claim's size.
 */
export class ConnectorJobsOpenByFirm1796700000002 implements MigrationInterface {
  name = 'ConnectorJobsOpenByFirm1796700000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX connector_jobs_open_by_firm ON connector_jobs (firm_id, received_at, id) WHERE status <> 'done'`,
    );
    await q.query(
      `CREATE INDEX connector_jobs_running_by_firm ON connector_jobs (firm_id, lease_expires_at) WHERE status = 'running'`,
    );
    await q.query('DROP INDEX connector_jobs_open');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX connector_jobs_open ON connector_jobs (received_at, id) WHERE status <> 'done'`,
    );
    await q.query('DROP INDEX connector_jobs_running_by_firm');
    await q.query('DROP INDEX connector_jobs_open_by_firm');
  }
}
