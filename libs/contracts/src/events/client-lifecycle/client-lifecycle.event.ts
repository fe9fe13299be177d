import { z } from 'zod';

import { defineEvent } from '../../event-contract';
import { Topics } from '../../topics';

/** The Client resource as other systems see it (same fields as the API's Client). */
export const ClientSnapshotSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  pan: z.string().nullable(),
  tan: z.string().nullable(),
  gstins: z.array(z.string()),
  esignClientFileId: z.string().nullable(),
  office: z.string().nullable(),
  tags: z.array(z.string()),
  createdAt: z.string().datetime({ offset: true }),
  updatedAt: z.string().datetime({ offset: true }),
});
export type ClientSnapshot = z.infer<typeof ClientSnapshotSchema>;

export const ClientCreatedSchema = z.object({ client: ClientSnapshotSchema });
export type ClientCreated = z.infer<typeof ClientCreatedSchema>;

export const ClientUpdatedSchema = z.object({
  client: ClientSnapshotSchema,
  /** Names of the fields whose value changed. */
  changedFields: z.array(z.string()),
});
export type ClientUpdated = z.infer<typeof ClientUpdatedSchema>;

export const ClientDeletedSchema = z.object({
  clientId: z.string().uuid(),
  deletedAt: z.string().datetime({ offset: true }),
});
export type ClientDeleted = z.infer<typeof ClientDeletedSchema>;

export const ClientCreatedEvent = defineEvent<ClientCreated>({
  type: 'client.created',
  version: 1,
  topics: [Topics.ClientEvents],
  schema: ClientCreatedSchema,
  key: (d) => d.client.id,
  description: 'A client was added to a firm (API or CSV import).',
});

export const ClientUpdatedEvent = defineEvent<ClientUpdated>({
  type: 'client.updated',
  version: 1,
  topics: [Topics.ClientEvents],
  schema: ClientUpdatedSchema,
  key: (d) => d.client.id,
  description: "A client's name, identifiers, office or tags changed; carries the client as it is now.",
});

export const ClientDeletedEvent = defineEvent<ClientDeleted>({
  type: 'client.deleted',
  version: 1,
  topics: [Topics.ClientEvents],
  schema: ClientDeletedSchema,
  key: (d) => d.clientId,
  description: 'A client was deleted from a firm.',
});
