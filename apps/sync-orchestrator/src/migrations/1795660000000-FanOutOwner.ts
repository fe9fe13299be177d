import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `sync_runs.fan_out_owner`: the liveness identity of the instance holding a run's fan-out lease, so a killed
 * instance's lease is taken over as soon as its PostgreSQL session is gone rather than after 30 s.
 */
export class FanOutOwner1795660000000 implements MigrationInterface {
  name = 'FanOutOwner1795660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs ADD COLUMN fan_out_owner text NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs DROP COLUMN fan_out_owner`);
  }
}
