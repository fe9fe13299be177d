import { HttpStatus } from '@nestjs/common';
import type { Category, Portal } from '@practice-sync/contracts';
import {
  defaultPeriodOf,
  futureAssessmentYearProblem,
  futureGstPeriodProblem,
  portalOf,
} from '@practice-sync/contracts';
import type { FieldError } from '@practice-sync/problems';
import { ProblemException, ProblemType } from '@practice-sync/problems';

import type { RequestedPeriods, RunPeriods } from '../runs/run-scope';

type PeriodPortal = Exclude<Portal, 'esign'>;

/**
 * The periods a run's jobs use, fixed when the run is created so a fan-out resumed after midnight on the
 * first of a month still asks for the same period. A requested portal period applies to every category of
 * that portal. Otherwise each category gets its own default (the latest period that has data, see
 * `defaultPeriodOf`): the portal key holds the default most of the run's categories share, and a category
 * whose default differs (GSTR-2B before the 14th) gets its own key, e.g. `{ gst: '112026', 'gst.gstr2b':
 * '102026' }`. Only portals that have categories in the run appear; e-sign categories have no period.
 */
export function resolveRunPeriods(
  categories: readonly Category[],
  requested: RequestedPeriods | null | undefined,
  now: Date,
): RunPeriods {
  const periods: RunPeriods = {};
  for (const portal of ['gst', 'itr'] as const) {
    const own = categories.filter((c) => portalOf(c) === portal);
    if (own.length === 0) continue;
    const asked = requested?.[portal];
    if (asked) {
      periods[portal] = asked;
      continue;
    }
    const defaults = own.map((c) => [c, defaultPeriodOf(c, now) as string] as const);
    const common = mostCommon(defaults.map(([, p]) => p));
    periods[portal] = common;
    for (const [category, period] of defaults) if (period !== common) periods[category] = period;
  }
  return periods;
}

/** The most frequent value; ties go to the one seen first. */
function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0];
  for (const [v, n] of counts) if (n > (counts.get(best) ?? 0)) best = v;
  return best;
}

export function periodFor(category: Category, periods: RunPeriods): string | null {
  const portal = portalOf(category);
  if (portal === 'esign') return null;
  return periods[category] ?? periods[portal] ?? null;
}

const FUTURE_PROBLEM: Record<PeriodPortal, (period: string, now: Date) => string | null> = {
  gst: futureGstPeriodProblem,
  itr: futureAssessmentYearProblem,
};

/**
 * Refuses requested periods the portals cannot hold data for yet (in the future, by the Indian calendar):
 * a 422 naming each field and the latest valid period, instead of a run that "succeeds" with nothing.
 */
export function assertPeriodsAvailable(
  requested: RequestedPeriods | null | undefined,
  now: Date,
  prefix = 'period',
): void {
  const errors: FieldError[] = [];
  for (const portal of ['gst', 'itr'] as const) {
    const period = requested?.[portal];
    const problem = period ? FUTURE_PROBLEM[portal](period, now) : null;
    if (problem) errors.push({ field: `${prefix}.${portal}`, message: problem });
  }
  if (errors.length === 0) return;
  throw new ProblemException(
    ProblemType.PeriodNotAvailable,
    HttpStatus.UNPROCESSABLE_ENTITY,
    'Period not available yet',
    errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  );
}
