import { WEEK_MS } from './dates';
import type { Rng } from './prng';
import { rngFor } from './prng';

export interface WeeklyEventOptions {
  /** Chance per slot per week; a week has `slots` independent chances. */
  chance: number;
  slots?: number;
  /** How far back the list reaches. */
  lookbackWeeks: number;
}

/**
 * Events laid out on the absolute calendar (weeks since the Unix epoch) and projected onto `now`: the events
 * of a week never depend on the clock, so advancing it only reveals new ones. Oldest first.
 */
export function weeklyEvents<T>(
  worldSeed: string,
  namespace: string,
  id: string,
  now: Date,
  options: WeeklyEventOptions,
  make: (rng: Rng, at: Date, key: string) => T,
): { at: Date; event: T }[] {
  const nowMs = now.getTime();
  const current = Math.floor(nowMs / WEEK_MS);
  const out: { at: Date; event: T }[] = [];
  for (let week = current - options.lookbackWeeks; week <= current; week++) {
    const rng = rngFor(worldSeed, namespace, id, week);
    for (let slot = 0; slot < (options.slots ?? 1); slot++) {
      if (!rng.chance(options.chance)) continue;
      const at = new Date(week * WEEK_MS + Math.floor((rng.next() * WEEK_MS) / 1000) * 1000);
      // Drawn for every slot, visible or not, so the stream (and later events) does not depend on `now`.
      const event = make(rngFor(worldSeed, namespace, id, week, slot, 'detail'), at, `${week}-${slot}`);
      if (at.getTime() <= nowMs) out.push({ at, event });
    }
  }
  return out;
}
