import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A schedule's time zone (IANA name): its cron expression and calendar durations (P1M) are read in it.
 * Existing schedules keep the zone they were always read in, Asia/Kolkata.
 */
export class ScheduleTimeZone1795566000000 implements MigrationInterface {
  name = 'ScheduleTimeZone1795566000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_schedules ADD COLUMN timezone text NOT NULL DEFAULT 'Asia/Kolkata'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_schedules DROP COLUMN timezone`);
  }
}
