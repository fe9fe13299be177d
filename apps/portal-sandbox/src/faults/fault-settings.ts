import { z } from 'zod';

/** What can go wrong with one portal family. */
export interface FaultSettings {
  /** Added before every answer. */
  latencyMs: number;
  /** Share of requests (0..1) that fail at random: RET12501 for GST, HTTP 500 for ITR and e-sign. */
  errorRate: number;
  /** Every request has its connection destroyed without an answer. */
  outage: boolean;
  /** Requests allowed per sliding minute before HTTP 429 with Retry-After; null means no limit. */
  rateLimitPerMinute: number | null;
}

export const NO_FAULTS: Readonly<FaultSettings> = Object.freeze({
  latencyMs: 0,
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
    errorRate: z
      .number({ invalid_type_error: 'must be a number between 0 and 1' })
      .min(0, 'must be between 0 and 1')
      .max(1, 'must be between 0 and 1'),
    outage: z.boolean({ invalid_type_error: 'must be true or false' }),
    rateLimitPerMinute: z
      .number({ invalid_type_error: 'must be a whole number of requests, or null for no limit' })
      .int('must be a whole number of requests')
      .min(0, 'must not be negative (0 or null means no limit)')
      .nullable(),
  })
  .partial()
  .strict();

export type FaultPatch = z.output<typeof faultPatchSchema>;
