import { z } from 'zod';

import { defineEvent } from '../../event-contract';
import { Topics } from '../../topics';
import { CategorySchema, SubjectSchema } from '../shared.schema';

export const SyncJobRequestedSchema = z.object({
  jobId: z.string().uuid(),
  runId: z.string().uuid(),
  clientId: z.string().uuid(),
  category: CategorySchema,
  subject: SubjectSchema,
  /** `MMYYYY` for GST, `YYYY-YY` for Income Tax, null where the category has no period. */
  period: z.string().nullable(),
  /** 1 for the first dispatch, then 2, 3… for re-dispatches. */
  attempt: z.number().int().positive(),
});
export type SyncJobRequested = z.infer<typeof SyncJobRequestedSchema>;

/** The orchestrator asks a connector to fetch one category for one client identifier. */
export const SyncJobRequestedEvent = defineEvent<SyncJobRequested>({
  type: 'sync.job.requested',
  version: 1,
  topics: [Topics.JobsGst, Topics.JobsItr, Topics.JobsEsign],
  schema: SyncJobRequestedSchema,
  key: (d) => d.clientId,
  description: 'A job for one client identifier and one category, on the job topic of its portal.',
});
