import { compressWithDefault, compressWithLz4 } from '@practice-sync/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox payloads are compressed with lz4 rather than pglz (issue 26). A records message is written once, read
 * once by the relay and deleted within a second; pglz's compression of it was most of its insert's cost.
 */
export class OutboxPayloadLz41796700000000 implements MigrationInterface {
  name = 'OutboxPayloadLz41796700000000';

  async up(q: QueryRunner): Promise<void> {
    await compressWithLz4(q, 'outbox', 'payload');
  }

  async down(q: QueryRunner): Promise<void> {
    await compressWithDefault(q, 'outbox', 'payload');
  }
}
