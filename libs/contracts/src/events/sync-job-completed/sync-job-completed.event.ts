import { z } from 'zod';

import { defineEvent } from '../../event-contract';
import { Topics } from '../../topics';
import {
  CategorySchema,
  CountsSchema,
  FailureCodeSchema,
  JobPartSchema,
  OutcomeSchema,
  SubjectSchema,
} from '../shared.schema';
import { TaxpayerResultsSchema } from './taxpayer-results.schema';

export const SyncJobCompletedSchema = z.object({
  jobId: z.string().uuid(),
  runId: z.string().uuid(),
  clientId: z.string().uuid(),
  category: CategorySchema,
  subject: SubjectSchema,
  period: z.string().nullable(),
  attempt: z.number().int().positive(),
  outcome: OutcomeSchema,
  errorCode: FailureCodeSchema.nullable(),
  /** A human explanation: what happened and what to do about it. Never contains a secret. */
  errorMessage: z.string().nullable(),
  retryable: z.boolean(),
  /**
   * For a `rate_limited` failure: how long (ms, from `finishedAt`) the portal asked to wait before the next
   * call (its Retry-After). The orchestrator re-queues the job for then without spending an attempt. Absent
   * or null: no hint (older connectors, other failures).
   */
  retryAfterMs: z.number().int().nonnegative().nullable().optional(),
  counts: CountsSchema,
  /**
   * Per part of a multi-part category (AIS, TIS, Form 26AS): fetched or failed, with its reason. Null for a
   * single-part category. A `partial` outcome lists the failed parts here; their records are kept as they were.
   */
  parts: z.array(JobPartSchema).nullish(),
  startedAt: z.string().datetime({ offset: true }),
  finishedAt: z.string().datetime({ offset: true }),
  /**
   * e-sign only: what the job did for each taxpayer of the client file (signed and imported, no change, or
   * unsuccessful with the reason). Absent for other categories and from connectors that predate it.
   */
  taxpayers: TaxpayerResultsSchema.optional(),
});
export type SyncJobCompleted = z.infer<typeof SyncJobCompletedSchema>;

/** A connector reports the terminal outcome of one job attempt. */
export const SyncJobCompletedEvent = defineEvent<SyncJobCompleted>({
  type: 'sync.job.completed',
  version: 1,
  topics: [Topics.Results],
  schema: SyncJobCompletedSchema,
  key: (d) => d.clientId,
  description: 'The outcome of one job attempt, with counts of added/updated/removed/unchanged records.',
});
