import { z } from 'zod';

import { defineEvent } from '../../event-contract';
import { Topics } from '../../topics';
import { CategorySchema, SubjectSchema } from '../shared.schema';

export const RecordChangeSchema = z.object({
  /** Stable identity of the record within (client, category, subject, period), e.g. `gstin|ctin|inum|rtnprd`. */
  naturalKey: z.string().min(1),
  change: z.enum(['added', 'updated', 'removed']),
  /** sha256 of the record's canonical JSON; null for a removal. */
  hash: z.string().nullable(),
  /** The normalised record; null for a removal. Never contains a secret. */
  data: z.record(z.unknown()).nullable(),
});
export type RecordChange = z.infer<typeof RecordChangeSchema>;

export const ClientRecordsChangedSchema = z.object({
  jobId: z.string().uuid(),
  runId: z.string().uuid(),
  clientId: z.string().uuid(),
  category: CategorySchema,
  subject: SubjectSchema,
  period: z.string().nullable(),
  attempt: z.number().int().positive(),
  /** A job's changes are split into chunks well under the broker's message limit; `index` is 0-based. */
  chunk: z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }),
  changes: z.array(RecordChangeSchema),
});
export type ClientRecordsChanged = z.infer<typeof ClientRecordsChangedSchema>;

/**
 * A connector publishes what changed since the last complete fetch (added, updated, removed records) before the
 * job's result; nothing is published for a `no_change` job.
 */
export const ClientRecordsChangedEvent = defineEvent<ClientRecordsChanged>({
  type: 'client.records.changed',
  version: 1,
  topics: [Topics.Records],
  schema: ClientRecordsChangedSchema,
  key: (d) => d.clientId,
  description: 'One chunk of the records a job added, updated or removed, keyed by client.',
});
