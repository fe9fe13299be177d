import type { ClientRecordsChanged, RecordChange } from '@practice-sync/contracts';
import { returnedRows } from '@practice-sync/persistence';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

export interface AppliedChange {
  change: RecordChange;
  /** `added` for a record never seen before or one that reappeared after removal. */
  kind: 'added' | 'updated' | 'removed';
}

export interface AppliedChunk {
  /** False when the chunk's client is not one of the firm's: nothing was written. */
  known: boolean;
  applied: AppliedChange[];
}

/**
 * Applies one chunk of a job's record changes in the caller's transaction (the consumer's inbox transaction).
 * Idempotent at the natural key too: an added/updated record whose hash is already stored, or a removal of a
 * record already removed, changes nothing and adds nothing to the change feed; a change already in the feed
 * for this job and key is not added twice. Returns what actually changed, in chunk order (`[]` for a client
 * the firm does not have).
 */
export async function applyRecords(
  manager: EntityManager,
  firmId: string,
  chunk: ClientRecordsChanged,
  at: Date,
): Promise<AppliedChange[]> {
  return (await applyRecordsChunk(manager, firmId, chunk, at)).applied;
}

/**
 * `applyRecords`, telling also whether the client exists. One statement per chunk, whatever its size: the
 * client check, the upsert of the added/updated records (a record whose hash is unchanged is not written), the
 * removals and the change-feed rows of what actually changed. The records travel as one JSON document (one
 * `JSON.stringify` of the chunk's changes, parsed once by PostgreSQL), not a JSON text per record.
 *
 * A natural key that appears more than once in a chunk is applied once, as its last change in the chunk (one
 * statement cannot touch a row twice), and is reported at that last change's position. A removal writes the
 * record's "last seen" as its cell vouched for it (`status_cells.records_seen_at`, see the migration
 * `StatusCellsRecordsSeen`): once removed, the record is no longer seen by its cell's fetches.
 */
export async function applyRecordsChunk(
  manager: EntityManager,
  firmId: string,
  chunk: ClientRecordsChanged,
  at: Date,
): Promise<AppliedChunk> {
  const lastByKey = new Map<string, RecordChange>();
  for (const change of chunk.changes) {
    lastByKey.delete(change.naturalKey); // re-inserting moves the key to its last position
    lastByKey.set(change.naturalKey, change);
  }
  const changes = [...lastByKey.values()];
  const upserts: RecordChange[] = [];
  const removals: RecordChange[] = [];
  // The feed's ids, UUIDv7 in chunk order: the feed reads in this order.
  const upsertFeedIds: string[] = [];
  const removalFeedIds: string[] = [];
  for (const change of changes) {
    if (change.change === 'removed') {
      removals.push(change);
      removalFeedIds.push(uuidv7());
    } else {
      upserts.push(change);
      upsertFeedIds.push(uuidv7());
    }
  }
  const params: unknown[] = [
    firmId,
    chunk.clientId,
    chunk.category,
    chunk.subject.kind,
    chunk.subject.value,
    chunk.period,
    at,
    JSON.stringify(upserts),
    upserts.map(() => uuidv7()),
    upsertFeedIds,
    removals.map((c) => c.naturalKey),
    removalFeedIds,
    chunk.runId,
    chunk.jobId,
  ];
  // `period IS NOT DISTINCT FROM $6` could not use the natural-key indexes; `IS NULL` / `=` can.
  const period = chunk.period === null ? 'period IS NULL' : 'period = $6::text';
  const cell = `firm_id = $1::uuid AND client_id = $2::uuid AND category = $3::text AND subject_kind = $4::text
                AND subject_value = $5::text AND ${period}`;
  // Most chunks remove nothing: their statement has no removal step, which would otherwise look at every record
  // of the client (the planner takes the client index for a key list it cannot see is empty).
  const rm = removals.length
    ? `UPDATE records SET removed_at = $7::timestamptz, version = version + 1, data = NULL, hash = NULL,
                updated_at = now(),
                last_seen_at = GREATEST(last_seen_at, (SELECT records_seen_at FROM status_cells WHERE ${cell}))
          WHERE ${cell} AND natural_key = ANY($11::text[]) AND removed_at IS NULL AND (SELECT known FROM client)
          RETURNING natural_key`
    : `SELECT NULL::text AS natural_key WHERE false`;
  const [row] = returnedRows(
    await manager.query(
      `WITH client AS (
         SELECT EXISTS (SELECT 1 FROM clients WHERE id = $2::uuid AND firm_id = $1::uuid) AS known
       ), input AS (
         SELECT * FROM ROWS FROM (
             jsonb_to_recordset($8::jsonb) AS ("naturalKey" text, change text, hash text, data jsonb),
             unnest($9::uuid[]),
             unnest($10::uuid[])
           ) AS c(natural_key, change, hash, data, id, feed_id)
       ), up AS (
         INSERT INTO records (id, firm_id, client_id, category, subject_kind, subject_value, period, natural_key,
                              data, hash, version, first_seen_at, last_seen_at, removed_at, updated_at)
         SELECT i.id, $1::uuid, $2::uuid, $3::text, $4::text, $5::text, $6::text, i.natural_key, i.data, i.hash,
                1, $7::timestamptz, $7::timestamptz, NULL, now()
           FROM input i WHERE (SELECT known FROM client)
         ON CONFLICT ON CONSTRAINT records_natural_key DO UPDATE SET
           data = EXCLUDED.data, hash = EXCLUDED.hash, version = records.version + 1,
           last_seen_at = EXCLUDED.last_seen_at, removed_at = NULL, updated_at = now()
         WHERE records.hash IS DISTINCT FROM EXCLUDED.hash OR records.removed_at IS NOT NULL
         RETURNING natural_key, version
       ), rm AS (
         ${rm}
       ), applied AS (
         SELECT up.natural_key, CASE WHEN up.version = 1 OR i.change = 'added' THEN 'added' ELSE 'updated' END
                AS change, i.feed_id
           FROM up JOIN input i USING (natural_key)
         UNION ALL
         SELECT rm.natural_key, 'removed', r.feed_id
           FROM rm JOIN unnest($11::text[], $12::uuid[]) AS r(natural_key, feed_id) USING (natural_key)
       ), fed AS (
         INSERT INTO record_changes (id, firm_id, client_id, run_id, job_id, category, subject_kind, subject_value,
                                     period, natural_key, change, at)
         SELECT a.feed_id, $1::uuid, $2::uuid, $13::uuid, $14::uuid, $3::text, $4::text, $5::text, $6::text,
                a.natural_key, a.change, $7::timestamptz
           FROM applied a
         ON CONFLICT ON CONSTRAINT record_changes_once DO NOTHING
         RETURNING natural_key, change
       )
       -- Only the exceptions travel back (usually none): what was not applied, and what the connector called
       -- updated but was new here.
       SELECT (SELECT known FROM client) AS known,
              ARRAY(SELECT natural_key FROM input UNION ALL SELECT unnest($11::text[])
                    EXCEPT ALL SELECT natural_key FROM fed) AS unapplied,
              ARRAY(SELECT natural_key FROM fed JOIN input i USING (natural_key)
                     WHERE fed.change = 'added' AND i.change <> 'added') AS readded`,
      params,
    ),
  ) as { known: boolean; unapplied: string[]; readded: string[] }[];
  if (!row.known) return { known: false, applied: [] };
  const unapplied = new Set(row.unapplied);
  const readded = new Set(row.readded);
  const applied: AppliedChange[] = [];
  for (const change of changes) {
    if (unapplied.has(change.naturalKey)) continue;
    const kind =
      change.change === 'removed'
        ? 'removed'
        : change.change === 'added' || readded.has(change.naturalKey)
          ? 'added'
          : 'updated';
    applied.push({ change, kind });
  }
  return { known: true, applied };
}
