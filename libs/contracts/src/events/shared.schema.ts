import { z } from 'zod';

import { Categories } from '../categories';
import { FailureCodes, JobOutcomes, RunStatuses } from '../outcomes';

const count = z.number().int().nonnegative();

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

export const JobPartSchema = z.object({
  name: z.string().min(1),
  status: z.enum(['fetched', 'failed']),
  records: count,
  errorCode: z.enum(FailureCodes).nullable(),
  errorMessage: z.string().nullable(),
  retryable: z.boolean(),
});
export const FailureCodeSchema = z.enum(FailureCodes);
export const RunStatusSchema = z.enum(RunStatuses);

/**
 * A run's jobs by state. `jobs` counts every job, skipped ones included (one per client × category); the
 * run's work is `work` (every job but the skipped ones: a category the client cannot have is not work), of
 * which `workFinished` reached an outcome. Progress is `workFinished / work`.
 */
export const RunTotalsSchema = z.object({
  jobs: count,
  pending: count,
  running: count,
  succeeded: count,
  noChange: count,
  failed: count,
  skipped: count,
  cancelled: count,
  noData: count,
  partial: count,
  work: count,
  workFinished: count,
});
export type RunTotals = z.infer<typeof RunTotalsSchema>;
