import type { ConnectorJob } from '@practice-sync/connector-kit';
import { PortalError } from '@practice-sync/connector-kit';
import { isGstPeriod } from '@practice-sync/contracts';

/** The GSTIN and return period (MMYYYY) of a GST job; without a period, the previous month. */
export function gstSubject(job: ConnectorJob, now: Date = new Date()): { gstin: string; period: string } {
  if (job.subject.kind !== 'gstin') {
    throw new PortalError('internal', `a GST job needs a GSTIN (got ${job.subject.kind})`, {
      retryable: false,
    });
  }
  if (job.period !== null && !isGstPeriod(job.period)) {
    throw new PortalError('internal', `a GST job needs a return period MMYYYY (got ${job.period})`, {
      retryable: false,
    });
  }
  return { gstin: job.subject.value, period: job.period ?? previousMonth(now) };
}

export function previousMonth(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${String(d.getUTCMonth() + 1).padStart(2, '0')}${d.getUTCFullYear()}`;
}

/** MMYYYY → the financial year `YYYY-YY` it belongs to (April to March). */
export function financialYearOf(period: string): string {
  const month = Number(period.slice(0, 2));
  const year = Number(period.slice(2));
  const start = month >= 4 ? year : year - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** MMYYYY → first and last day as DD-MM-YYYY (ledger ranges). */
export function monthRange(period: string): { from: string; to: string } {
  const month = Number(period.slice(0, 2));
  const year = Number(period.slice(2));
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const mm = String(month).padStart(2, '0');
  return { from: `01-${mm}-${year}`, to: `${String(last).padStart(2, '0')}-${mm}-${year}` };
}
