import { DAY_MS } from './dates';

/** Where the real time comes from; replaced in tests that need a fixed start. */
export const TIME_SOURCE = Symbol('TIME_SOURCE');
export type TimeSource = () => number;

/**
 * The sandbox's notion of "now": fixed at boot (or reset) and moved only by `advanceDays`, so with the clock
 * still every answer is identical, and advancing it moves the simulated world forward. Provided by a factory
 * (WorldModule) so the real time source can be replaced.
 */
export class SandboxClock {
  private startMs: number;
  private offsetMs = 0;

  constructor(private readonly realNow: TimeSource = Date.now) {
    this.startMs = realNow();
  }

  now(): Date {
    return new Date(this.startMs + this.offsetMs);
  }

  offsetDays(): number {
    return this.offsetMs / DAY_MS;
  }

  advanceDays(days: number): Date {
    this.offsetMs += Math.round(days * DAY_MS);
    return this.now();
  }

  reset(): void {
    this.startMs = this.realNow();
    this.offsetMs = 0;
  }
}
