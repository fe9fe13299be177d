import type { NormalisedRecord } from '@practice-sync/connector-kit';
import { toRecord } from '@practice-sync/connector-kit';

import type { FilingStatusEntry } from './filing-status.schema';

/** `2025-26` (our period) → `2025` (the portal's assessment year). */
export function portalAssessmentYear(period: string): string {
  return period.slice(0, 4);
}

/**
 * One record per filed return, keyed `pan|ackNum`. With a period (assessment year `YYYY-YY`) only that
 * year's returns are kept; without one, every year the portal lists.
 */
export function normaliseFilingStatus(
  pan: string,
  period: string | null,
  entries: readonly FilingStatusEntry[],
): NormalisedRecord[] {
  const year = period ? portalAssessmentYear(period) : null;
  const byKey = new Map<string, NormalisedRecord>();
  for (const entry of entries) {
    if (year && entry.assmentYear !== year) continue;
    const naturalKey = `${pan}|${entry.ackNum}`;
    byKey.set(
      naturalKey,
      toRecord(naturalKey, {
        pan,
        assessmentYear: `${entry.assmentYear}-${String((Number(entry.assmentYear) + 1) % 100).padStart(2, '0')}`,
        ackNum: entry.ackNum,
        ackDt: entry.ackDt ?? null,
        formTypeCd: entry.formTypeCd ?? null,
        efileStatus: entry.efileStatus ?? null,
        statusDesc: entry.statusDesc ?? null,
        statusDate: entry.statusDate ?? null,
      }),
    );
  }
  return [...byKey.values()];
}
