import { z } from 'zod';

import { Categories } from '../categories';
import { FailureCodes, JobOutcomes, RunStatuses } from '../outcomes';

export const CategorySchema = z.enum(Categories);

/** The identifier a job runs for: a GSTIN, a PAN or an e-sign client file. */
export const SubjectSchema = z.object({
  kind: z.enum(['gstin', 'pan', 'esignClientFileId']),
  value: z.string().min(1),
});
export type Subject = z.infer<typeof SubjectSchema>;

export const CountsSchema = z.object({
  added: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
});

export const OutcomeSchema = z.enum(JobOutcomes);
export const FailureCodeSchema = z.enum(FailureCodes);
export const RunStatusSchema = z.enum(RunStatuses);

export const RunTotalsSchema = z.object({
  jobs: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  succeeded: z.number().int().nonnegative(),
  noChange: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
});
export type RunTotals = z.infer<typeof RunTotalsSchema>;
