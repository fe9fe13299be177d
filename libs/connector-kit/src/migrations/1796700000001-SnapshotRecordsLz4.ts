import { compressWithDefault, compressWithLz4 } from '@practice-sync/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Snapshots (a fetch's record hashes, rewritten by every job of its cell) are compressed with lz4 rather than
 * pglz (issue 26): about a third of the compression's CPU at about the same size.
 */
export class SnapshotRecordsLz41796700000001 implements MigrationInterface {
  name = 'SnapshotRecordsLz41796700000001';

  async up(q: QueryRunner): Promise<void> {
    await compressWithLz4(q, 'snapshots', 'records');
  }

  async down(q: QueryRunner): Promise<void> {
    await compressWithDefault(q, 'snapshots', 'records');
  }
}
