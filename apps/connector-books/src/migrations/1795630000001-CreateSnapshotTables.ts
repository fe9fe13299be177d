import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `books_snapshots`: one per snapshot job (`books.snapshot`), with the sender's top ALTERID read at its start
 * and whether its chunks are all staged. `books_snapshot_chunks`: its chunks in order; `payload` holds the
 * chunk's objects sealed with AES-256-GCM (the connectors' credential keyring, key id in the sealed text) until
 * the receiver acknowledges the chunk, when it is dropped; the counts stay. A retried job sends only chunks
 * not acknowledged yet.
 */
export class CreateSnapshotTables1795630000001 implements MigrationInterface {
  name = 'CreateSnapshotTables1795630000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE books_snapshots (
        job_id      uuid PRIMARY KEY,
        link_id     uuid NOT NULL,
        firm_id     text NOT NULL,
        sender_top  bigint NOT NULL CHECK (sender_top >= 0),
        chunk_size  integer NOT NULL CHECK (chunk_size > 0),
        chunks      integer,
        staged_at   timestamptz,
        finished_at timestamptz,
        created_at  timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX books_snapshots_link ON books_snapshots (link_id)');
    await q.query(`
      CREATE TABLE books_snapshot_chunks (
        job_id            uuid NOT NULL REFERENCES books_snapshots (job_id) ON DELETE CASCADE,
        chunk_index       integer NOT NULL CHECK (chunk_index >= 0),
        objects           integer NOT NULL,
        bytes             integer NOT NULL,
        payload           text,
        key_id            text,
        sent              integer NOT NULL DEFAULT 0,
        acknowledged_at   timestamptz,
        created           integer NOT NULL DEFAULT 0,
        altered           integer NOT NULL DEFAULT 0,
        unchanged         integer NOT NULL DEFAULT 0,
        errors            integer NOT NULL DEFAULT 0,
        failed_masters_at bigint,
        failed_vouchers_at bigint,
        PRIMARY KEY (job_id, chunk_index)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE books_snapshot_chunks');
    await q.query('DROP TABLE books_snapshots');
  }
}
