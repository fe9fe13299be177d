import { parseExpression } from 'cron-parser';

/** Cron expressions are read in Indian time: firms think of "every day at 09:00" in IST. */
export const SCHEDULE_TIME_ZONE = 'Asia/Kolkata';

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An ISO 8601 duration in milliseconds (weeks, days, hours, minutes, seconds; years and months are refused
 * because their length varies — use `cron` for "monthly"). Null when it is not one.
 */
export function parseIsoDuration(value: string): number | null {
  const m = DURATION.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) return null;
  const [w, d, h, min, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const ms = ((((w * 7 + d) * 24 + h) * 60 + min) * 60 + s) * 1000;
  return ms > 0 ? ms : null;
}

export function isValidCron(expression: string): boolean {
  try {
    parseExpression(expression, { tz: SCHEDULE_TIME_ZONE });
    return expression.trim().split(/\s+/).length >= 5;
  } catch {
    return false;
  }
}

export interface ScheduleRule {
  every: string | null;
  cron: string | null;
  notBefore: Date | null;
  enabled: boolean;
  createdAt: Date;
}

/**
 * When a schedule fires next, strictly after `after` (the tick just taken, or now): never before
 * `notBefore`; `every` ticks are anchored on `notBefore` (or the creation time) so they do not drift; `cron`
 * ticks follow the expression. Several ticks missed during downtime collapse into the one that is due:
 * the next one computed after it is in the future. Null when disabled.
 */
export function nextRunAt(rule: ScheduleRule, after: Date, first = false): Date | null {
  if (!rule.enabled) return null;
  const notBefore = rule.notBefore?.getTime() ?? -Infinity;
  if (rule.every) {
    const step = parseIsoDuration(rule.every);
    if (step === null) return null;
    const anchor = rule.notBefore?.getTime() ?? rule.createdAt.getTime();
    // The first run of a new (or re-enabled) schedule is as soon as notBefore allows.
    if (first) return new Date(Math.max(after.getTime(), anchor));
    const k = Math.floor((after.getTime() - anchor) / step) + 1;
    return new Date(Math.max(anchor + Math.max(k, 1) * step, notBefore));
  }
  if (rule.cron) {
    const from = Math.max(after.getTime(), notBefore - 1);
    return parseExpression(rule.cron, { currentDate: new Date(from), tz: SCHEDULE_TIME_ZONE })
      .next()
      .toDate();
  }
  return null;
}
