import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `status_cells.records_seen_at`: the finish of the latest complete fetch of the cell. A complete fetch saw
 * every live record of its cell, changed or not; instead of moving `last_seen_at` of each of those records
 * (a write per record on every no-change fetch), the cell keeps the time once and a live record's "last seen" is
 * the later of its own `last_seen_at` (set when it was added, updated or reappeared) and its cell's
 * `records_seen_at`. A removal writes that value into the record, which its cell no longer vouches for. Null
 * for existing cells: their records' `last_seen_at` is already up to date.
 *
 * Every job result rewrites its cell: with room left in each page (fillfactor 70), the new row version stays on
 * the same page and, as no indexed column changes, the update is heap-only (HOT) and writes no index entry.
 * Pages written before keep their old fill until rewritten.
 */
export class StatusCellsRecordsSeen1795770000000 implements MigrationInterface {
  name = 'StatusCellsRecordsSeen1795770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE status_cells ADD COLUMN records_seen_at timestamptz');
    await q.query('ALTER TABLE status_cells SET (fillfactor = 70)');
  }

  async down(q: QueryRunner): Promise<void> {
    // Back to a per-record "last seen": write each live record's derived value before dropping the column.
    await q.query(`
      UPDATE records r SET last_seen_at = s.records_seen_at
        FROM status_cells s
       WHERE s.firm_id = r.firm_id AND s.client_id = r.client_id AND s.category = r.category
         AND s.subject_kind = r.subject_kind AND s.subject_value = r.subject_value
         AND s.period IS NOT DISTINCT FROM r.period
         AND r.removed_at IS NULL AND s.records_seen_at > r.last_seen_at`);
    await q.query('ALTER TABLE status_cells RESET (fillfactor)');
    await q.query('ALTER TABLE status_cells DROP COLUMN records_seen_at');
  }
}
