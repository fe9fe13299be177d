import type { ConnectorJob } from '@practice-sync/connector-kit';
import { PortalError } from '@practice-sync/connector-kit';
import { isYearRange } from '@practice-sync/contracts';

/** The PAN and assessment year (`YYYY-YY` or null = every year the portal lists) of an ITR job. */
export function itrSubject(job: ConnectorJob): { pan: string; assessmentYear: string | null } {
  if (job.subject.kind !== 'pan' || (job.period !== null && !isYearRange(job.period))) {
    throw new PortalError('internal', 'an ITR job needs a PAN and an assessment year YYYY-YY or none', {
      retryable: false,
    });
  }
  return { pan: job.subject.value, assessmentYear: job.period };
}

/** `2025-26` → `2025-26`'s financial year `2024-25`; null → the financial year before the current one. */
export function financialYearForAssessmentYear(
  assessmentYear: string | null,
  now: Date = new Date(),
): string {
  const start = assessmentYear
    ? Number(assessmentYear.slice(0, 4)) - 1
    : (now.getUTCMonth() >= 3 ? now.getUTCFullYear() : now.getUTCFullYear() - 1) - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}
