import type { Category, Portal } from '@practice-sync/contracts';
import { portalOf } from '@practice-sync/contracts';

import type { RunPeriods } from '../sync-runs/sync-runs.dto';

/** Indian Standard Time has no daylight saving: periods roll over at midnight IST, not UTC. */
const IST_OFFSET_MS = 330 * 60 * 1000;

function indianCalendar(now: Date): { year: number; month: number } {
  const local = new Date(now.getTime() + IST_OFFSET_MS);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1 };
}

/** The GST return period most recently closed: the previous month, as `MMYYYY`. */
export function defaultGstPeriod(now: Date): string {
  const { year, month } = indianCalendar(now);
  const prevMonth = month === 1 ? 12 : month - 1;
  const prevYear = month === 1 ? year - 1 : year;
  return `${String(prevMonth).padStart(2, '0')}${prevYear}`;
}

/** The current assessment year `YYYY-YY`: the financial year (April–March) in progress, plus one. */
export function currentAssessmentYear(now: Date): string {
  const { year, month } = indianCalendar(now);
  const financialYearStart = month >= 4 ? year : year - 1;
  const start = financialYearStart + 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/**
 * The periods a run's jobs use, fixed when the run is created so a fan-out resumed after midnight on the
 * first of a month still asks for the same period. Only portals that have categories in the run appear;
 * e-sign categories have no period.
 */
export function resolveRunPeriods(
  categories: readonly Category[],
  requested: RunPeriods | undefined,
  now: Date,
): RunPeriods {
  const portals = new Set<Portal>(categories.map(portalOf));
  const periods: RunPeriods = {};
  if (portals.has('gst')) periods.gst = requested?.gst ?? defaultGstPeriod(now);
  if (portals.has('itr')) periods.itr = requested?.itr ?? currentAssessmentYear(now);
  return periods;
}

export function periodFor(category: Category, periods: RunPeriods): string | null {
  const portal = portalOf(category);
  if (portal === 'esign') return null;
  return periods[portal] ?? null;
}
