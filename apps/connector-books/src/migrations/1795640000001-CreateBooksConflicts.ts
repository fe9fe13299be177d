import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `books_sync_bases`: per link and GUID, what the link last synced of the object (content hash, and per end an
 * ALTERID every later change of that end lies above), so "altered at both ends since the last sync" is known per
 * object. `books_conflicts`: the conflict queue, one open row per link and GUID, both versions sealed with
 * AES-256-GCM (the connectors' credential keys; the key id is kept for rotation) as they name ledgers and
 * amounts.
 */
export class CreateBooksConflicts1795640000001 implements MigrationInterface {
  name = 'CreateBooksConflicts1795640000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE books_sync_bases (
        link_id         uuid NOT NULL,
        guid            text NOT NULL,
        object_type     text NOT NULL,
        content_hash    text NOT NULL,
        client_alter_id bigint NOT NULL CHECK (client_alter_id >= 0),
        server_alter_id bigint NOT NULL CHECK (server_alter_id >= 0),
        updated_at      timestamptz NOT NULL,
        PRIMARY KEY (link_id, guid)
      )`);
    await q.query(`
      CREATE TABLE books_conflicts (
        id                uuid PRIMARY KEY,
        firm_id           text NOT NULL,
        link_id           uuid NOT NULL,
        class             text NOT NULL CHECK (class IN ('masters', 'transactions')),
        guid              text NOT NULL,
        object_type       text NOT NULL,
        status            text NOT NULL CHECK (status IN ('open', 'resolved')),
        client_company_id text NOT NULL,
        client_books_url  text NOT NULL,
        server_company_id text NOT NULL,
        server_books_url  text NOT NULL,
        client_alter_id   bigint NOT NULL,
        server_alter_id   bigint NOT NULL,
        client_version    text NOT NULL,
        server_version    text NOT NULL,
        key_id            text NOT NULL,
        detected_job_id   uuid NOT NULL,
        last_job_id       uuid NOT NULL,
        detected_at       timestamptz NOT NULL,
        updated_at        timestamptz NOT NULL,
        resolution        text CHECK (resolution IN ('client', 'server', 'body')),
        resolved_by       text,
        resolved_at       timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX books_conflicts_open ON books_conflicts (link_id, guid) WHERE status = 'open'`,
    );
    await q.query('CREATE INDEX books_conflicts_link ON books_conflicts (firm_id, link_id, status, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE books_conflicts');
    await q.query('DROP TABLE books_sync_bases');
  }
}
