import { z } from 'zod';

import { defineEvent } from '../../event-contract';
import { Topics } from '../../topics';
import { CategorySchema, FailureCodeSchema, OutcomeSchema, SubjectSchema } from '../shared.schema';

export const ClientStatusChangedSchema = z.object({
  clientId: z.string().uuid(),
  category: CategorySchema,
  subject: SubjectSchema,
  period: z.string().nullable(),
  outcome: OutcomeSchema,
  errorCode: FailureCodeSchema.nullable(),
  lastSuccessAt: z.string().datetime({ offset: true }).nullable(),
  runId: z.string().uuid(),
});
export type ClientStatusChanged = z.infer<typeof ClientStatusChangedSchema>;

/** client-master announces a new cell value in a client's status grid. */
export const ClientStatusChangedEvent = defineEvent<ClientStatusChanged>({
  type: 'client.status.changed',
  version: 1,
  topics: [Topics.ClientEvents],
  schema: ClientStatusChangedSchema,
  key: (d) => d.clientId,
  description: "A client's status-grid cell (category × subject × period) took a new outcome.",
});
