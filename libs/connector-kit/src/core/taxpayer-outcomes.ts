import type { TaxpayerResult, TaxpayerResults } from '@practice-sync/contracts';
import { taxpayerResultsOf } from '@practice-sync/contracts';

/** One taxpayer as a fetcher saw it: which records are theirs, and why nothing could be imported, if so. */
export interface FetchedTaxpayer {
  id: string;
  name: string | null;
  /** The natural keys of the records that carry this taxpayer's data. */
  recordKeys: readonly string[];
  /** Null when the taxpayer's data is complete (e.g. signed); else why not and what to do. */
  unsuccessful: string | null;
}

/**
 * Per taxpayer: `unsuccessful` (with its reason) whatever changed; otherwise `succeeded` when one of their
 * records is new or changed since the last complete fetch, `no_change` when all are as they were.
 */
export function taxpayerOutcomes(
  taxpayers: readonly FetchedTaxpayer[],
  previous: ReadonlyMap<string, string> | null,
  current: ReadonlyMap<string, string>,
): TaxpayerResults {
  const items: TaxpayerResult[] = taxpayers.map((t) => {
    // Bounded as the contract bounds them: a portal's odd value must not make the result undeliverable.
    const who = { id: t.id.slice(0, 200) || '?', name: t.name?.slice(0, 300) ?? null };
    if (t.unsuccessful !== null) {
      return { ...who, outcome: 'unsuccessful', reason: t.unsuccessful.slice(0, 500) };
    }
    const changed = t.recordKeys.some((k) => previous?.get(k) !== current.get(k));
    return { ...who, outcome: changed ? 'succeeded' : 'no_change', reason: null };
  });
  return taxpayerResultsOf(items);
}
