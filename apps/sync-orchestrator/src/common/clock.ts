/** The time source, behind an interface so tests can fix "now" (default periods depend on it). */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };
