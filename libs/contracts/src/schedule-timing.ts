import { parseExpression } from 'cron-parser';

/**
 * The timing rules of a sync schedule, shared by the gateway (validation) and the orchestrator (validation and
 * the next-run computation), so both accept exactly the same schedules for the same reasons.
 */

/** Cron expressions and calendar durations are read in this zone unless the schedule names another. */
export const DEFAULT_SCHEDULE_TIME_ZONE = 'Asia/Kolkata';

/** Anything under five minutes would only hammer the portals. */
export const MIN_EVERY_SECONDS = 5 * 60;

/**
 * Branch sync may run every minute (Saral's users do): it reads the firm's own books servers, not a government
 * portal, and a run that finds nothing changed costs one export per class.
 */
export const MIN_LINK_EVERY_SECONDS = 60;

/** `PT5M (five minutes)`, `PT1M (one minute)`: how a minimum interval is said in a problem. */
function minimumText(seconds: number): string {
  const words: Record<number, string> = { 60: 'one minute', 300: 'five minutes' };
  if (seconds % 60 === 0) {
    const m = seconds / 60;
    return `PT${m}M (${words[seconds] ?? `${m} minutes`})`;
  }
  return `PT${seconds}S (${seconds} seconds)`;
}

export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/** An ISO 8601 duration (`PnYnMnWnDTnHnMnS`), or null when the text is not one. */
export function parseIsoDuration(value: string): IsoDuration | null {
  const m = DURATION.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) return null;
  const [years, months, weeks, days, hours, minutes, seconds] = m
    .slice(1)
    .map((x) => (x === undefined ? 0 : Number(x.replace(',', '.'))));
  return { years, months, weeks, days, hours, minutes, seconds };
}

/** The fixed part (weeks and below) in milliseconds; years and months are added by the calendar. */
function fixedMs(d: IsoDuration): number {
  return ((((d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60 + d.seconds) * 1000;
}

/** The shortest the duration can be (months of 28 days, years of 365), to enforce the minimum interval. */
function shortestSeconds(d: IsoDuration): number {
  return fixedMs(d) / 1000 + (d.years * 365 + d.months * 28) * 86_400;
}

/**
 * Why `value` cannot be a schedule's `every`, or null. `minSeconds` is the public minimum (PT5M); internal
 * callers that are trusted to pace themselves (tests of the scheduler) may lower it, never below zero.
 */
export function everyProblem(value: string, minSeconds = MIN_EVERY_SECONDS): string | null {
  if (/^P.*[.,]\d+[YMWDH]/.test(value) || /T.*[.,]\d+M/.test(value))
    return 'must use whole numbers except in seconds (e.g. PT90M rather than PT1.5H)';
  const d = parseIsoDuration(value);
  if (!d) return 'must be an ISO 8601 duration PnYnMnWnDTnHnMnS, e.g. PT6H, P1D, P1W or P1M';
  if (shortestSeconds(d) <= 0) return 'must be longer than zero';
  if (shortestSeconds(d) < minSeconds) return `must be at least ${minimumText(minSeconds)}`;
  return null;
}

/** Why `value` is not an IANA time zone name (e.g. Asia/Kolkata, UTC), or null. */
export function timeZoneProblem(value: string): string | null {
  if (value.length === 0 || value.length > 64)
    return 'must be an IANA time zone name, e.g. Asia/Kolkata or UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return null;
  } catch {
    return `"${value}" is not an IANA time zone name; use one such as Asia/Kolkata, Asia/Dubai or UTC`;
  }
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
interface CronField {
  name: string;
  min: number;
  max: number;
  names?: string[];
}
const CRON_FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

/**
 * Why `value` is not a 5-field cron expression (minute hour day-of-month month day-of-week, read in
 * `timeZone`), or null. Each field is checked by name so the message says which one is wrong.
 */
export function cronProblem(value: string, timeZone = DEFAULT_SCHEDULE_TIME_ZONE): string | null {
  const parts = value.trim().split(/\s+/);
  if (value.length > 200 || parts.length !== 5)
    return 'must have 5 fields: minute hour day-of-month month day-of-week, e.g. 0 6 * * 1';
  for (let i = 0; i < 5; i++) {
    const field = CRON_FIELDS[i];
    for (const item of parts[i].split(',')) {
      if (!cronItemValid(item.toUpperCase(), field)) return `has an invalid ${field.name} "${item}"`;
    }
  }
  try {
    parseExpression(value, { tz: timeZone }).next();
    return null;
  } catch (e) {
    return `is not a valid cron expression (${e instanceof Error ? e.message : String(e)})`;
  }
}

function cronItemValid(item: string, field: CronField): boolean {
  const m = /^(\*|[0-9A-Z]+(?:-[0-9A-Z]+)?)(?:\/(\d+))?$/.exec(item);
  if (!m) return false;
  if (m[2] !== undefined && Number(m[2]) < 1) return false;
  if (m[1] === '*') return true;
  const bounds = m[1].split('-').map((v) => cronValue(v, field));
  if (bounds.some((b) => b === null)) return false;
  return bounds.length === 1 || (bounds[0] as number) <= (bounds[1] as number);
}

function cronValue(v: string, field: CronField): number | null {
  const named = field.names?.indexOf(v) ?? -1;
  if (named >= 0) return field.names === MONTHS ? named + 1 : named;
  if (!/^\d+$/.test(v)) return null;
  const n = Number(v);
  return n >= field.min && n <= field.max ? n : null;
}

/** The UTC offset of `zone` at `at`, in ms (positive east of Greenwich). */
function offsetMs(at: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * `from` plus `times` × the duration: years and months by the calendar in `zone` (31 January + P1M is the last
 * day of February; 09:00 stays 09:00 across a DST change), weeks and below as elapsed time.
 */
export function addDuration(from: Date, d: IsoDuration, times: number, zone: string): Date {
  const start = from.getTime();
  let at = start;
  const months = (d.years * 12 + d.months) * times;
  if (months !== 0) {
    const wall = new Date(start + offsetMs(start, zone));
    const y = wall.getUTCFullYear();
    const m = wall.getUTCMonth() + months;
    const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    const target = Date.UTC(
      y,
      m,
      Math.min(wall.getUTCDate(), lastDay),
      wall.getUTCHours(),
      wall.getUTCMinutes(),
      wall.getUTCSeconds(),
      wall.getUTCMilliseconds(),
    );
    // Wall time back to an instant: the offset at the target, checked once more across a DST change.
    at = target - offsetMs(target, zone);
    at = target - offsetMs(at, zone);
  }
  return new Date(at + fixedMs(d) * times);
}

/**
 * The first `anchor + k × every` (k ≥ 1) strictly after `after`. Calendar durations have no fixed length, so k
 * is estimated from an average and corrected.
 */
export function nextEveryTick(anchor: Date, d: IsoDuration, after: Date, zone: string): Date {
  const averageMs = fixedMs(d) + (d.years * 12 + d.months) * 30.436875 * 86_400_000;
  let k = Math.max(1, Math.floor((after.getTime() - anchor.getTime()) / averageMs) + 1);
  while (k > 1 && addDuration(anchor, d, k - 1, zone).getTime() > after.getTime()) k -= 1;
  while (addDuration(anchor, d, k, zone).getTime() <= after.getTime()) k += 1;
  return addDuration(anchor, d, k, zone);
}

/** The next time a cron expression fires in `zone`, strictly after `after`. */
export function nextCronTick(expression: string, after: Date, zone: string): Date {
  return parseExpression(expression, { currentDate: after, tz: zone }).next().toDate();
}
