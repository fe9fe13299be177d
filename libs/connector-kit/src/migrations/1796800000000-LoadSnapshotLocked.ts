import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `load_snapshot_locked`: the snapshot compare's first step in one statement instead of two (issue 26). It takes
 * the transaction-scoped advisory lock on the snapshot's key, then reads the snapshot. A VOLATILE function takes
 * a fresh snapshot for each statement it runs, so the read sees what a transaction that held the lock committed
 * (in one plain statement, the read would see the data as of the statement's start, before the lock's wait).
 * The lock key is the caller's (`snapshot-store.ts`), the same as before, so old and new processes exclude each
 * other during an upgrade.
 */
export class LoadSnapshotLocked1796800000000 implements MigrationInterface {
  name = 'LoadSnapshotLocked1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION load_snapshot_locked(
        lock_key text, p_firm_id text, p_client_id uuid, p_subject_kind text, p_subject_value text,
        p_category text, p_period text
      ) RETURNS jsonb LANGUAGE plpgsql VOLATILE AS $fn$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(lock_key, 0));
        RETURN (SELECT records FROM snapshots
                 WHERE firm_id = p_firm_id AND client_id = p_client_id AND subject_kind = p_subject_kind
                   AND subject_value = p_subject_value AND category = p_category AND period = p_period);
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION load_snapshot_locked(text, text, uuid, text, text, text, text)');
  }
}
