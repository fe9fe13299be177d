import type { ClientRecordsChanged, RecordChange } from '@practice-sync/contracts';
import { returnedRows } from '@practice-sync/persistence';
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
 * for this job and key is not added twice. Returns what actually changed, in chunk order.
 *
 * Set-based: at most three statements per chunk, whatever its size (one upsert of the added/updated records,
 * one update of the removed ones, one insert into the change feed). A natural key that appears more than once
 * in a chunk is applied once, as its last change in the chunk (one statement cannot touch a row twice), and
 * is reported at that last change's position.
 */
export async function applyRecords(
  manager: EntityManager,
  firmId: string,
  chunk: ClientRecordsChanged,
  at: Date,
): Promise<AppliedChange[]> {
  const lastByKey = new Map<string, RecordChange>();
  for (const change of chunk.changes) {
    lastByKey.delete(change.naturalKey); // re-inserting moves the key to its last position
    lastByKey.set(change.naturalKey, change);
  }
  const changes = [...lastByKey.values()];
  const upserts = changes.filter((c) => c.change !== 'removed');
  const removals = changes.filter((c) => c.change === 'removed');
  const cell = [
    firmId,
    chunk.clientId,
    chunk.category,
    chunk.subject.kind,
    chunk.subject.value,
    chunk.period,
  ];

  const kinds = new Map<string, AppliedChange['kind']>();
  if (upserts.length > 0) {
    const rows = returnedRows(
      await manager.query(
        `INSERT INTO records (id, firm_id, client_id, category, subject_kind, subject_value, period, natural_key,
                              data, hash, version, first_seen_at, last_seen_at, removed_at, updated_at)
         SELECT c.id, $1::uuid, $2::uuid, $3::text, $4::text, $5::text, $6::text, c.natural_key,
                c.data, c.hash, 1, $7::timestamptz, $7::timestamptz, NULL, now()
           FROM unnest($8::uuid[], $9::text[], $10::jsonb[], $11::text[]) AS c(id, natural_key, data, hash)
         ON CONFLICT ON CONSTRAINT records_natural_key DO UPDATE SET
           data = EXCLUDED.data, hash = EXCLUDED.hash, version = records.version + 1,
           last_seen_at = EXCLUDED.last_seen_at, removed_at = NULL, updated_at = now()
         WHERE records.hash IS DISTINCT FROM EXCLUDED.hash OR records.removed_at IS NOT NULL
         RETURNING natural_key, version`,
        [
          ...cell,
          at,
          upserts.map(() => uuidv7()),
          upserts.map((c) => c.naturalKey),
          upserts.map((c) => (c.data === null ? null : JSON.stringify(c.data))),
          upserts.map((c) => c.hash),
        ],
      ),
    ) as { natural_key: string; version: number }[];
    for (const { natural_key, version } of rows) {
      const change = lastByKey.get(natural_key);
      kinds.set(natural_key, version === 1 || change?.change === 'added' ? 'added' : 'updated');
    }
  }
  if (removals.length > 0) {
    const params: unknown[] = [...cell.slice(0, 5), at, removals.map((c) => c.naturalKey)];
    // `period IS NOT DISTINCT FROM $n` could not use the natural-key index; `IS NULL` / `=` can.
    const period = chunk.period === null ? 'period IS NULL' : `period = $${params.push(chunk.period)}::text`;
    const rows = returnedRows(
      await manager.query(
        `UPDATE records SET removed_at = $6, version = version + 1, data = NULL, hash = NULL, updated_at = now()
          WHERE firm_id = $1::uuid AND client_id = $2::uuid AND category = $3 AND subject_kind = $4
            AND subject_value = $5 AND ${period} AND natural_key = ANY($7::text[]) AND removed_at IS NULL
          RETURNING natural_key`,
        params,
      ),
    ) as { natural_key: string }[];
    for (const { natural_key } of rows) kinds.set(natural_key, 'removed');
  }
  if (kinds.size === 0) return [];

  // The feed in chunk order (its ids are UUIDv7, generated in that order).
  const changed = changes.filter((c) => kinds.has(c.naturalKey));
  const inserted = returnedRows(
    await manager.query(
      `INSERT INTO record_changes (id, firm_id, client_id, run_id, job_id, category, subject_kind, subject_value,
                                   period, natural_key, change, at)
       SELECT c.id, $1::uuid, $2::uuid, $7::uuid, $8::uuid, $3::text, $4::text, $5::text, $6::text,
              c.natural_key, c.change, $9::timestamptz
         FROM unnest($10::uuid[], $11::text[], $12::text[]) AS c(id, natural_key, change)
       ON CONFLICT ON CONSTRAINT record_changes_once DO NOTHING
       RETURNING natural_key`,
      [
        ...cell,
        chunk.runId,
        chunk.jobId,
        at,
        changed.map(() => uuidv7()),
        changed.map((c) => c.naturalKey),
        changed.map((c) => kinds.get(c.naturalKey)),
      ],
    ),
  ) as { natural_key: string }[];
  const fed = new Set(inserted.map((r) => r.natural_key));
  return changed
    .filter((c) => fed.has(c.naturalKey))
    .map((change) => ({ change, kind: kinds.get(change.naturalKey) as AppliedChange['kind'] }));
}
