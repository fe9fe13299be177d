import { z } from 'zod';

/** What can go wrong with one portal family. */
export interface FaultSettings {
  /** The floor of the delay added before every answer; each family adds its own random tail on top. */
  latencyMs: number;
  /** `false`: every answer takes exactly `latencyMs` (benchmarks measure against an exact ideal). */
  latencyTail: boolean;
  /** Share of requests (0..1) that fail at random: RET12501 for GST, HTTP 500 for ITR and e-sign. */
  errorRate: number;
  /** `true`: every connection is reset without an answer; `"hang"`: requests get no answer until lifted. */
  outage: boolean | 'hang';
  /** Requests allowed per sliding minute before HTTP 429 with Retry-After; null means no limit. */
  rateLimitPerMinute: number | null;
}

export const NO_FAULTS: Readonly<FaultSettings> = Object.freeze({
  latencyMs: 0,
  latencyTail: true,
  errorRate: 0,
  outage: false,
  rateLimitPerMinute: null,
});

/** Body of `PUT /_sandbox/faults/{portal}`: fields left out keep their current value. */
export const faultPatchSchema = z
  .object({
    latencyMs: z
      .number({ invalid_type_error: 'must be a number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(0, 'must not be negative')
      .max(120_000, 'must be at most 120000 (2 minutes)'),
    latencyTail: z.boolean({
      invalid_type_error: 'must be true (the family adds its random tail) or false (exactly latencyMs)',
    }),
    errorRate: z
      .number({ invalid_type_error: 'must be a number between 0 and 1' })
      .min(0, 'must be between 0 and 1')
      .max(1, 'must be between 0 and 1'),
    outage: z.union([z.boolean(), z.literal('hang')], {
      errorMap: () => ({ message: 'must be true, false or "hang"' }),
    }),
    rateLimitPerMinute: z
      .number({ invalid_type_error: 'must be a whole number of requests, or null for no limit' })
      .int('must be a whole number of requests')
      .min(0, 'must not be negative (0 or null means no limit)')
      .nullable(),
  })
  .partial()
  .strict();

export type FaultPatch = z.output<typeof faultPatchSchema>;

/**
 * Each family's latency distribution: `latencyMs` is the floor and an exponential tail is added with this
 * mean (as a multiple of the floor), capped at `cap` times the floor. GST (through a GSP, around deadlines)
 * has the heaviest tail; the e-sign API the lightest.
 */
export const LATENCY_TAIL = {
  gst: { mean: 0.6, cap: 5 },
  itr: { mean: 0.4, cap: 4 },
  esign: { mean: 0.1, cap: 2 },
} as const;

/** A delay drawn from the family's distribution for a uniform `u` in [0, 1). */
export function drawLatency(
  portal: keyof typeof LATENCY_TAIL,
  floorMs: number,
  u: number,
  withTail = true,
): number {
  if (floorMs <= 0) return 0;
  if (!withTail) return floorMs;
  const { mean, cap } = LATENCY_TAIL[portal];
  const tail = Math.min(-Math.log(1 - u) * mean, cap - 1);
  return Math.round(floorMs * (1 + tail));
}
