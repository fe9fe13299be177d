import { z } from 'zod';

import { defineEvent } from '../../event-contract';
import { Topics } from '../../topics';
import { CategorySchema, SubjectSchema } from '../shared.schema';

export const ClientNoticeDetectedSchema = z.object({
  clientId: z.string().uuid(),
  category: CategorySchema,
  subject: SubjectSchema,
  period: z.string().nullable(),
  /** The record's natural key in client-master (GET …/records). */
  naturalKey: z.string().min(1),
  /** The portal's id of the notice or proceeding (ARN, proceeding id, DIN); the natural key if none. */
  noticeId: z.string().min(1),
  /** Section or notice type, e.g. `143(2)` or `ASMT-10`; null when the portal gives none. */
  section: z.string().nullable(),
  /** Date a reply is due (`YYYY-MM-DD` or as the portal gives it); null when none. */
  dueDate: z.string().nullable(),
  issuedOn: z.string().nullable(),
  description: z.string().nullable(),
  runId: z.string().uuid(),
  jobId: z.string().uuid(),
});
export type ClientNoticeDetected = z.infer<typeof ClientNoticeDetectedSchema>;

/** client-master saw a notice it did not have before (a new record of a notices category). */
export const ClientNoticeDetectedEvent = defineEvent<ClientNoticeDetected>({
  type: 'client.notice.detected',
  version: 1,
  topics: [Topics.ClientEvents],
  schema: ClientNoticeDetectedSchema,
  key: (d) => d.clientId,
  description:
    'A new GST notice or Income Tax proceeding appeared for a client (notice id, section, due date).',
});
