import { z } from 'zod';

/**
 * What one e-sign job did for each taxpayer of its client file, as CCH iFirm's sync log shows it: the
 * signing timestamps were imported (`succeeded`), were already there (`no_change`), or could not be
 * (`unsuccessful`, with the reason: declined, expired, voided, or not signed yet). A declined, expired or
 * voided signing is never a success.
 */
export const TaxpayerOutcomes = ['succeeded', 'unsuccessful', 'no_change'] as const;
export type TaxpayerOutcome = (typeof TaxpayerOutcomes)[number];

/** At most this many taxpayers travel in one result (a client file has a handful); counts cover them all. */
export const MAX_TAXPAYER_RESULTS = 200;

export const TaxpayerResultSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().max(300).nullable(),
  outcome: z.enum(TaxpayerOutcomes),
  /** Why it was unsuccessful and what to do; null otherwise. */
  reason: z.string().max(500).nullable(),
});
export type TaxpayerResult = z.infer<typeof TaxpayerResultSchema>;

export const TaxpayerCountsSchema = z.object({
  succeeded: z.number().int().nonnegative(),
  unsuccessful: z.number().int().nonnegative(),
  noChange: z.number().int().nonnegative(),
});
export type TaxpayerCounts = z.infer<typeof TaxpayerCountsSchema>;

export const TaxpayerResultsSchema = z.object({
  counts: TaxpayerCountsSchema,
  /** The first MAX_TAXPAYER_RESULTS taxpayers; `counts` covers every one. */
  items: z.array(TaxpayerResultSchema).max(MAX_TAXPAYER_RESULTS),
});
export type TaxpayerResults = z.infer<typeof TaxpayerResultsSchema>;

/** The compact per-taxpayer breakdown of a job's taxpayers (items capped, counts complete). */
export function taxpayerResultsOf(items: readonly TaxpayerResult[]): TaxpayerResults {
  const counts: TaxpayerCounts = { succeeded: 0, unsuccessful: 0, noChange: 0 };
  for (const t of items) {
    if (t.outcome === 'succeeded') counts.succeeded++;
    else if (t.outcome === 'unsuccessful') counts.unsuccessful++;
    else counts.noChange++;
  }
  return { counts, items: items.slice(0, MAX_TAXPAYER_RESULTS) };
}
