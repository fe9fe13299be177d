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
    if (t.unsuccessful !== null) {
      return { id: t.id, name: t.name, outcome: 'unsuccessful', reason: t.unsuccessful.slice(0, 500) };
    }
    const changed = t.recordKeys.some((k) => previous?.get(k) !== current.get(k));
    return { id: t.id, name: t.name, outcome: changed ? 'succeeded' : 'no_change', reason: null };
  });
  return taxpayerResultsOf(items);
}
