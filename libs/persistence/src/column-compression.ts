import type { QueryRunner } from 'typeorm';

/**
 * Sets a column's TOAST compression to lz4 where this PostgreSQL build has it (PostgreSQL 14+, built with lz4, as
 * Debian's and the official images are); elsewhere the column keeps pglz and a notice says so. Values written
 * afterwards are compressed with it; stored values keep theirs until rewritten.
 *
 * lz4 compresses a 176 KB records message in about a third of pglz's time at about the same size (see
 * `bench/README.md`, issue 26): for columns written once and read once or deleted soon (outbox payloads,
 * snapshots), the compression is most of what storing them costs PostgreSQL.
 */
export async function compressWithLz4(q: QueryRunner, table: string, column: string): Promise<void> {
  await q.query(`
    DO $$ BEGIN
      EXECUTE 'ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION lz4';
    EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
      RAISE NOTICE 'lz4 is not available in this PostgreSQL build: ${table}.${column} keeps pglz';
    END $$`);
}

/** Back to the server's default compression (`default_toast_compression`). */
export async function compressWithDefault(q: QueryRunner, table: string, column: string): Promise<void> {
  await q.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION DEFAULT`);
}
