import { z } from 'zod';

/**
 * The clock a hold is measured on. The system clock in production; with BOOKS_CLOCK_URL, the time a JSON
 * `{ now }` answer gives (the sandbox's `/_sandbox/clock` in tests and demos, so days can pass in seconds).
 */
export interface HoldClock {
  now(): Promise<Date>;
}

export const systemHoldClock: HoldClock = { now: () => Promise.resolve(new Date()) };

const ClockAnswer = z.object({ now: z.string().datetime({ offset: true }) });

export function urlHoldClock(url: string, timeoutMs = 5000): HoldClock {
  return {
    async now(): Promise<Date> {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`BOOKS_CLOCK_URL answered HTTP ${res.status}`);
      const parsed = ClockAnswer.safeParse(await res.json());
      if (!parsed.success) throw new Error('BOOKS_CLOCK_URL did not answer { now: <ISO date-time> }');
      return new Date(parsed.data.now);
    },
  };
}
