import { z } from 'zod';

import { defineEvent } from '../../event-contract';
import { Topics } from '../../topics';
import { RunStatusSchema, RunTotalsSchema } from '../shared.schema';

export const SyncRunChangedSchema = z.object({
  runId: z.string().uuid(),
  change: z.enum(['created', 'started', 'progress', 'completed', 'cancelled']),
  status: RunStatusSchema,
  totals: RunTotalsSchema,
  startedAt: z.string().datetime({ offset: true }).nullable(),
  finishedAt: z.string().datetime({ offset: true }).nullable(),
});
export type SyncRunChanged = z.infer<typeof SyncRunChangedSchema>;

/** Run lifecycle and progress, keyed by run id. A `completed` or `cancelled` change is terminal. */
export const SyncRunChangedEvent = defineEvent<SyncRunChanged>({
  type: 'sync.run.changed',
  version: 1,
  topics: [Topics.Runs],
  schema: SyncRunChangedSchema,
  key: (d) => d.runId,
  description: 'Run lifecycle (created, started, completed, cancelled) and progress with the current totals.',
});
