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

/** The outcomes a fetch that reached the portal can end in. */
export type FetchedOutcome = 'succeeded' | 'no_change' | 'no_data' | 'partial';

export interface FetchOutcome {
  outcome: FetchedOutcome;
  counts: RecordCounts;
  /** The previous snapshot without the failed parts' records: what the fetched records are compared with. */
  compared: ReadonlyMap<string, string> | null;
  /** What to store as the new snapshot: the fetch, plus the failed parts' records as they were. */
  snapshot: Map<string, string>;
}

const underAny = (key: string, prefixes: readonly string[]) => prefixes.some((p) => key.startsWith(p));

/**
 * The outcome of a fetch, decided here once for every connector:
 * - `partial` when a part of a multi-part category failed (`failedPrefixes`): the fetched parts are compared
 *   and kept, the failed parts' stored records are neither compared nor removed;
 * - `no_data` when the portal holds nothing and nothing was removed: "nothing on the portal for this period"
 *   is never shown as a success with data, first fetch or not;
 * - `succeeded` when anything was added, updated or removed since the last complete fetch (every first fetch
 *   with data); `no_change` when identical.
 */
export function outcomeOfFetch(
  previous: ReadonlyMap<string, string> | null,
  current: ReadonlyMap<string, string>,
  failedPrefixes: readonly string[] = [],
): FetchOutcome {
  let compared = previous;
  const snapshot = new Map(current);
  if (previous && failedPrefixes.length) {
    const kept = new Map<string, string>();
    for (const [key, hash] of previous) {
      if (underAny(key, failedPrefixes)) snapshot.set(key, hash);
      else kept.set(key, hash);
    }
    compared = kept;
  }
  const { counts, changed } = classifyChanges(compared ?? new Map(), current);
  const outcome: FetchedOutcome = failedPrefixes.length
    ? 'partial'
    : current.size === 0 && counts.removed === 0
      ? 'no_data'
      : previous === null || changed
        ? 'succeeded'
        : 'no_change';
  return { outcome, counts, compared, snapshot };
}
