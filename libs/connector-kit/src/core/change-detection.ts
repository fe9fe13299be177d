import type { RecordCounts } from '@practice-sync/contracts';

import type { NormalisedRecord } from './portal-fetcher';

export interface ChangeSummary {
  counts: RecordCounts;
  /** Anything added, updated or removed. */
  changed: boolean;
}

/**
 * Natural key → hash for a fetch. A key seen twice keeps its last hash: portals occasionally repeat a
 * document across pages and one record per key is what the snapshot stores.
 */
export function toHashMap(records: readonly NormalisedRecord[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const r of records) map.set(r.naturalKey, r.hash);
  return map;
}

/** Compares a fetch with the previous complete snapshot (natural key → hash). */
export function classifyChanges(
  previous: ReadonlyMap<string, string>,
  current: ReadonlyMap<string, string>,
): ChangeSummary {
  const counts: RecordCounts = { added: 0, updated: 0, removed: 0, unchanged: 0 };
  for (const [key, hash] of current) {
    const before = previous.get(key);
    if (before === undefined) counts.added++;
    else if (before === hash) counts.unchanged++;
    else counts.updated++;
  }
  for (const key of previous.keys()) if (!current.has(key)) counts.removed++;
  return { counts, changed: counts.added + counts.updated + counts.removed > 0 };
}

export interface FetchOutcome {
  outcome: 'succeeded' | 'no_change';
  counts: RecordCounts;
}

/**
 * `succeeded` when anything changed since the last complete fetch, and always on the first fetch (even an
 * empty one: "the portal has nothing" is news the first time); `no_change` when identical.
 */
export function outcomeOfFetch(
  previous: ReadonlyMap<string, string> | null,
  current: ReadonlyMap<string, string>,
): FetchOutcome {
  const { counts, changed } = classifyChanges(previous ?? new Map(), current);
  return { outcome: previous === null || changed ? 'succeeded' : 'no_change', counts };
}
