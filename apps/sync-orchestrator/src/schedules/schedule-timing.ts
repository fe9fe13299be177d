import { addDuration, nextCronTick, nextEveryTick, parseIsoDuration } from '@practice-sync/contracts';

export interface ScheduleRule {
  every: string | null;
  cron: string | null;
  /** IANA name: the zone cron expressions and calendar durations (P1M) are read in. */
  timezone: string;
  notBefore: Date | null;
  enabled: boolean;
  createdAt: Date;
}

/**
 * When a schedule fires next, strictly after `after` (the tick just taken, or now): never before
 * `notBefore`; `every` ticks are anchored on `notBefore` (or the creation time) so they do not drift, months
 * and years counted by the calendar of the schedule's time zone; `cron` ticks follow the expression in that
 * zone. Several ticks missed during downtime collapse into the one that is due: the next one computed after
 * it is in the future. Null when disabled.
 */
export function nextRunAt(rule: ScheduleRule, after: Date, first = false): Date | null {
  if (!rule.enabled) return null;
  const notBefore = rule.notBefore?.getTime() ?? -Infinity;
  if (rule.every) {
    const step = parseIsoDuration(rule.every);
    if (step === null) return null;
    const anchor = rule.notBefore ?? rule.createdAt;
    // The first run of a new (or re-enabled) schedule is as soon as notBefore allows.
    if (first) return new Date(Math.max(after.getTime(), anchor.getTime()));
    if (after.getTime() < anchor.getTime()) return addDuration(anchor, step, 1, rule.timezone);
    return nextEveryTick(anchor, step, after, rule.timezone);
  }
  if (rule.cron) {
    const from = Math.max(after.getTime(), notBefore - 1);
    return nextCronTick(rule.cron, new Date(from), rule.timezone);
  }
  return null;
}
