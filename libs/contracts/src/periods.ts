import type { Category, CategoryInfo } from './categories';
import { CATALOGUE, portalOf } from './categories';

/**
 * Return periods and assessment years as the portals count them: in Indian Standard Time (no daylight saving),
 * so a period rolls over at midnight IST, not UTC. Every function takes "now" so callers inject their clock.
 */
const IST_OFFSET_MS = 330 * 60 * 1000;

/** The GSTR-2B of a month is generated on this day of the next month (GSTN; the sandbox does the same). */
export const GSTR2B_GENERATION_DAY = 14;

interface IndianDate {
  year: number;
  month: number;
  day: number;
}

function indianDate(now: Date): IndianDate {
  const local = new Date(now.getTime() + IST_OFFSET_MS);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/** Months since year 0, so periods compare and step as integers. */
const monthIndex = (year: number, month: number): number => year * 12 + (month - 1);

function gstPeriodAt(index: number): string {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(month).padStart(2, '0')}${year}`;
}

function gstPeriodIndex(period: string): number {
  return monthIndex(Number(period.slice(2, 6)), Number(period.slice(0, 2)));
}

const nowMonth = (now: Date): number => {
  const { year, month } = indianDate(now);
  return monthIndex(year, month);
};

/** The latest GST return period that is not in the future: the month in progress. */
export function latestGstPeriod(now: Date): string {
  return gstPeriodAt(nowMonth(now));
}

/** The GST return period most recently closed: the previous month. */
export function latestClosedGstPeriod(now: Date): string {
  return gstPeriodAt(nowMonth(now) - 1);
}

/** The latest period whose GSTR-2B the portal has generated (on the 14th of the next month, IST). */
export function latestGstr2bPeriod(now: Date): string {
  const generatedThisMonth = indianDate(now).day >= GSTR2B_GENERATION_DAY;
  return gstPeriodAt(nowMonth(now) - (generatedThisMonth ? 1 : 2));
}

/** `YYYY-YY` for the assessment year starting in April of `startYear`. */
function assessmentYear(startYear: number): string {
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`;
}

/** The year (April–March) in progress: its April's calendar year. */
function yearInProgress(now: Date): number {
  const { year, month } = indianDate(now);
  return month >= 4 ? year : year - 1;
}

/**
 * The latest assessment year that is not in the future: the one for the financial year in progress (its
 * AIS/TIS already fill up during the year; its returns are filed after it ends).
 */
export function latestAssessmentYear(now: Date): string {
  return assessmentYear(yearInProgress(now) + 1);
}

/**
 * The last completed assessment year (it ended on 31 March): its returns are filed, processed and its
 * statements final, so a sync of it has data — the one in progress may have none before the filing season.
 */
export function lastCompletedAssessmentYear(now: Date): string {
  return assessmentYear(yearInProgress(now) - 1);
}

/**
 * The period a category's jobs use when the request names none: the latest one that has data. GSTR-2B:
 * the latest generated; other GST categories: the latest closed month; Income Tax: the last completed
 * assessment year; e-sign has no period (null).
 */
export function defaultPeriodOf(category: Category, now: Date): string | null {
  switch (portalOf(category)) {
    case 'gst':
      return category === 'gst.gstr2b' ? latestGstr2bPeriod(now) : latestClosedGstPeriod(now);
    case 'itr':
      return lastCompletedAssessmentYear(now);
    case 'esign':
      return null;
  }
}

/** Why a well-formed GST period (`MMYYYY`) cannot be synced yet, or null: a month that has not begun. */
export function futureGstPeriodProblem(period: string, now: Date): string | null {
  if (gstPeriodIndex(period) <= nowMonth(now)) return null;
  return (
    `${period} is in the future; the latest period is ${latestGstPeriod(now)} ` +
    `(the latest closed one is ${latestClosedGstPeriod(now)}, the latest GSTR-2B ${latestGstr2bPeriod(now)})`
  );
}

/** Why a well-formed assessment year (`YYYY-YY`) cannot be synced yet, or null: its income year has not begun. */
export function futureAssessmentYearProblem(year: string, now: Date): string | null {
  const latest = latestAssessmentYear(now);
  if (Number(year.slice(0, 4)) <= Number(latest.slice(0, 4))) return null;
  return (
    `${year} is in the future; the latest assessment year is ${latest} ` +
    `(the last completed one is ${lastCompletedAssessmentYear(now)})`
  );
}

/** A catalogue entry as served (`GET /v1/categories`): with the period a run uses when it names none. */
export interface CategoryDescription extends CategoryInfo {
  defaultPeriod: string | null;
}

export function describeCatalogue(now: Date): CategoryDescription[] {
  return CATALOGUE.map((info) => ({ ...info, defaultPeriod: defaultPeriodOf(info.id, now) }));
}
