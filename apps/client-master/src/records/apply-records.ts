import type { ClientRecordsChanged, RecordChange } from '@practice-sync/contracts';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

export interface AppliedChange {
  change: RecordChange;
  /** `added` for a record never seen before or one that reappeared after removal. */
  kind: 'added' | 'updated' | 'removed';
}

/**
 * Applies one chunk of a job's record changes in the caller's transaction (the consumer's inbox transaction).
 * Idempotent at the natural key too: an added/updated record whose hash is already stored, or a removal of a
 * record already removed, changes nothing and adds nothing to the change feed; a change already in the feed
 * for this job and key is not added twice. Returns what actually changed.
 */
export async function applyRecords(
  manager: EntityManager,
  firmId: string,
  chunk: ClientRecordsChanged,
  at: Date,
): Promise<AppliedChange[]> {
  const key = [firmId, chunk.clientId, chunk.category, chunk.subject.kind, chunk.subject.value, chunk.period];
  const applied: AppliedChange[] = [];
  for (const change of chunk.changes) {
    let kind: AppliedChange['kind'] | null = null;
    if (change.change === 'removed') {
      const rows = rowsOf(
        await manager.query(
          `UPDATE records SET removed_at = $8, version = version + 1, data = NULL, hash = NULL, updated_at = now()
            WHERE firm_id = $1 AND client_id = $2 AND category = $3 AND subject_kind = $4 AND subject_value = $5
              AND period IS NOT DISTINCT FROM $6 AND natural_key = $7 AND removed_at IS NULL
            RETURNING id`,
          [...key, change.naturalKey, at],
        ),
      );
      if (rows.length > 0) kind = 'removed';
    } else {
      const rows = rowsOf(
        await manager.query(
          `INSERT INTO records (id, firm_id, client_id, category, subject_kind, subject_value, period, natural_key,
                                data, hash, version, first_seen_at, last_seen_at, removed_at, updated_at)
           VALUES ($8, $1, $2, $3, $4, $5, $6, $7, $9, $10, 1, $11, $11, NULL, now())
           ON CONFLICT ON CONSTRAINT records_natural_key DO UPDATE SET
             data = EXCLUDED.data, hash = EXCLUDED.hash, version = records.version + 1,
             last_seen_at = EXCLUDED.last_seen_at, removed_at = NULL, updated_at = now()
           WHERE records.hash IS DISTINCT FROM EXCLUDED.hash OR records.removed_at IS NOT NULL
           RETURNING version`,
          [...key, change.naturalKey, uuidv7(), change.data, change.hash, at],
        ),
      ) as { version: number }[];
      if (rows.length > 0) kind = rows[0].version === 1 || change.change === 'added' ? 'added' : 'updated';
    }
    if (!kind) continue;
    const inserted = rowsOf(
      await manager.query(
        `INSERT INTO record_changes (id, firm_id, client_id, run_id, job_id, category, subject_kind, subject_value,
                                     period, natural_key, change, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT ON CONSTRAINT record_changes_once DO NOTHING
         RETURNING id`,
        [
          uuidv7(),
          ...key.slice(0, 2),
          chunk.runId,
          chunk.jobId,
          ...key.slice(2),
          change.naturalKey,
          kind,
          at,
        ],
      ),
    );
    if (inserted.length > 0) applied.push({ change, kind });
  }
  return applied;
}

/** A successful fetch saw every record it did not report as changed: they were "last seen" now. */
export async function touchRecords(
  manager: EntityManager,
  firmId: string,
  cell: {
    clientId: string;
    category: string;
    subject: { kind: string; value: string };
    period: string | null;
  },
  at: Date,
): Promise<void> {
  await manager.query(
    `UPDATE records SET last_seen_at = $7
      WHERE firm_id = $1 AND client_id = $2 AND category = $3 AND subject_kind = $4 AND subject_value = $5
        AND period IS NOT DISTINCT FROM $6 AND removed_at IS NULL AND last_seen_at < $7`,
    [firmId, cell.clientId, cell.category, cell.subject.kind, cell.subject.value, cell.period, at],
  );
}

/** TypeORM answers INSERT/UPDATE … RETURNING on PostgreSQL as rows, or as [rows, count] for UPDATE. */
function rowsOf(result: unknown): unknown[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as unknown[];
  }
  return Array.isArray(result) ? result : [];
}
