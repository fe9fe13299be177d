import type { EntityManager } from 'typeorm';

import { combinedHash } from './record-hash';

/** What a snapshot is kept per: one client identifier, one category, one period. */
export interface SnapshotKey {
  firmId: string;
  clientId: string;
  subjectKind: string;
  subjectValue: string;
  category: string;
  period: string | null;
}

function params(key: SnapshotKey): string[] {
  return [key.firmId, key.clientId, key.subjectKind, key.subjectValue, key.category, key.period ?? ''];
}

const WHERE = `firm_id = $1 AND client_id = $2 AND subject_kind = $3 AND subject_value = $4
               AND category = $5 AND period = $6`;

/**
 * The snapshot each transaction loaded, by key: saving the same content back (a no-change fetch) then writes
 * only the job and fetch time, not the records again. Keyed by the transaction's EntityManager, so it lives
 * exactly as long as the transaction.
 */
const loaded = new WeakMap<EntityManager, Map<string, ReadonlyMap<string, string>>>();

/**
 * Loads the last complete snapshot (natural key → hash), or null if there is none. Takes a transaction-scoped
 * advisory lock on the key first, so two attempts finishing at once are compared one after the other: one
 * statement, `load_snapshot_locked` (migration 1796800000000), whose read sees what the lock's last holder
 * committed.
 */
export async function loadSnapshot(
  manager: EntityManager,
  key: SnapshotKey,
): Promise<Map<string, string> | null> {
  const id = params(key).join('|');
  const rows: { records: Record<string, string> | null }[] = await manager.query(
    `SELECT load_snapshot_locked($1, $2, $3, $4, $5, $6, $7) AS records`,
    [id, ...params(key)],
  );
  const records = rows[0]?.records;
  if (!records) return null;
  const snapshot = new Map(Object.entries(records));
  let byKey = loaded.get(manager);
  if (!byKey) loaded.set(manager, (byKey = new Map()));
  // A copy: the caller may change the map it is given.
  byKey.set(id, new Map(snapshot));
  return snapshot;
}

/**
 * Stores the snapshot of a complete fetch. When it is the very snapshot this transaction loaded (nothing was
 * added, updated or removed), only `job_id` and `fetched_at` are written: no JSON of the records is built, hashed
 * or sent, and the row's indexed columns are untouched (a HOT update).
 */
export async function saveSnapshot(
  manager: EntityManager,
  key: SnapshotKey,
  records: ReadonlyMap<string, string>,
  jobId: string,
  fetchedAt: Date,
): Promise<void> {
  const before = loaded.get(manager)?.get(params(key).join('|'));
  if (before && sameRecords(before, records)) {
    await manager.query(`UPDATE snapshots SET job_id = $7, fetched_at = $8 WHERE ${WHERE}`, [
      ...params(key),
      jobId,
      fetchedAt,
    ]);
    return;
  }
  await manager.query(
    `INSERT INTO snapshots
       (firm_id, client_id, subject_kind, subject_value, category, period, combined_hash, record_count, records,
        job_id, fetched_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)
     ON CONFLICT (firm_id, client_id, subject_kind, subject_value, category, period) DO UPDATE
       SET combined_hash = EXCLUDED.combined_hash, record_count = EXCLUDED.record_count,
           records = EXCLUDED.records, job_id = EXCLUDED.job_id, fetched_at = EXCLUDED.fetched_at`,
    [
      ...params(key),
      combinedHash(records),
      records.size,
      JSON.stringify(Object.fromEntries(records)),
      jobId,
      fetchedAt,
    ],
  );
}

function sameRecords(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, hash] of a) if (b.get(k) !== hash) return false;
  return true;
}
