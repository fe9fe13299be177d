import { z } from 'zod';

import { defineEvent } from '../../event-contract';
import { Topics } from '../../topics';
import {
  IsoDateSchema,
  NoticeFactsSchema,
  NoticeStatusSchema,
} from '../client-notice-detected/client-notice-detected.event';

export const ClientNoticeUpdatedSchema = NoticeFactsSchema.extend({
  /** What the status and due date were before this change. */
  previous: z.object({ status: NoticeStatusSchema, dueDate: IsoDateSchema.nullable() }),
});
export type ClientNoticeUpdated = z.infer<typeof ClientNoticeUpdatedSchema>;

/**
 * A notice client-master already had changed status (e.g. open → replied → closed) or due date (an extension).
 * Once per change; nothing else about a notice (documents, wording) is announced.
 */
export const ClientNoticeUpdatedEvent = defineEvent<ClientNoticeUpdated>({
  type: 'client.notice.updated',
  version: 1,
  topics: [Topics.ClientEvents],
  schema: ClientNoticeUpdatedSchema,
  key: (d) => d.clientId,
  description:
    "A client's known notice changed status (open, replied, closed) or due date; carries the previous values.",
});
