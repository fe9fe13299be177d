import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `books_held_changes`: on-demand links' changes held while the receiving books server is unreachable, in
 * the order they were held (`id`). The object (names, amounts, narrations) is sealed in `sealed`
 * (AES-256-GCM, `v1.<keyId>.<iv>.<tag>.<ciphertext>`); `key_id` names the key for rotation. In the clear only
 * identities: GUID, object type, ALTERID.
 */
export class CreateBooksHeldChanges1795620000001 implements MigrationInterface {
  name = 'CreateBooksHeldChanges1795620000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE books_held_changes (
        id          bigserial PRIMARY KEY,
        firm_id     text NOT NULL,
        link_id     uuid NOT NULL,
        class       text NOT NULL CHECK (class IN ('masters', 'transactions')),
        direction   text NOT NULL CHECK (direction IN ('send', 'receive')),
        guid        text NOT NULL,
        object_type text NOT NULL,
        action      text NOT NULL CHECK (action IN ('Create', 'Delete')),
        alter_id    bigint NOT NULL,
        brought     boolean NOT NULL,
        key_id      text NOT NULL,
        sealed      text NOT NULL,
        job_id      uuid NOT NULL,
        held_at     timestamptz NOT NULL
      )`);
    await q.query(
      'CREATE INDEX books_held_changes_key ON books_held_changes (link_id, class, direction, id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE books_held_changes');
  }
}
