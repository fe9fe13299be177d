import { z } from 'zod';

import type { Category } from '../../categories';
import { defineEvent } from '../../event-contract';
import { ISO_DATE_PATTERN } from '../../portal-dates';
import { Topics } from '../../topics';
import { CategorySchema, SubjectSchema } from '../shared.schema';

/** The categories whose records carry notices a firm must answer (GST notices, Income Tax e-proceedings). */
export const NoticeCategories = [
  'gst.notices_return_register',
  'itr.notices_orders',
] as const satisfies readonly Category[];

/**
 * Where a notice stands: `open` (a reply is awaited), `replied` (answered, not yet closed by the department),
 * `closed` (dropped or decided; a closure order where the portal gives one).
 */
export const NoticeStatuses = ['open', 'replied', 'closed'] as const;
export type NoticeStatus = (typeof NoticeStatuses)[number];
export const NoticeStatusSchema = z.enum(NoticeStatuses);

export const IsoDateSchema = z.string().regex(ISO_DATE_PATTERN, 'must be an ISO date YYYY-MM-DD');

/** A notice's facts as every notice event carries them. */
export const NoticeFactsSchema = z.object({
  clientId: z.string().uuid(),
  category: CategorySchema,
  subject: SubjectSchema,
  /** The period of the fetch that carried this change (notices themselves are not per period). */
  period: z.string().nullable(),
  /** The record's natural key in client-master (GET …/records). */
  naturalKey: z.string().min(1),
  /** The portal's id of the notice or proceeding (ARN, proceeding id, DIN): one notice per client per id. */
  noticeId: z.string().min(1),
  /** Section or notice type, e.g. `143(2)` or `ASMT-10`; null when the portal gives none. */
  section: z.string().nullable(),
  status: NoticeStatusSchema,
  /** Date a reply is due, `YYYY-MM-DD`; null when the portal gives none or a date that cannot be read. */
  dueDate: IsoDateSchema.nullable(),
  /** Date of issue, `YYYY-MM-DD`; null likewise. */
  issuedOn: IsoDateSchema.nullable(),
  /** The dates exactly as the portal wrote them (e.g. GST `DD-MM-YYYY`), for one that could not be read. */
  portalDates: z.object({ dueDate: z.string().nullable(), issuedOn: z.string().nullable() }),
  description: z.string().nullable(),
  runId: z.string().uuid(),
  jobId: z.string().uuid(),
});

export const ClientNoticeDetectedSchema = NoticeFactsSchema;
export type ClientNoticeDetected = z.infer<typeof ClientNoticeDetectedSchema>;

/**
 * client-master saw a notice it never had for this client, whatever period's fetch carried it, and not closed
 * (a notice first seen closed is recorded, not announced). Announced once per client and notice id.
 */
export const ClientNoticeDetectedEvent = defineEvent<ClientNoticeDetected>({
  type: 'client.notice.detected',
  version: 1,
  topics: [Topics.ClientEvents],
  schema: ClientNoticeDetectedSchema,
  key: (d) => d.clientId,
  description:
    'A GST notice or Income Tax proceeding a client never had before, not closed (notice id, section, ' +
    'ISO due date). Once per client and notice id, whatever period the fetch was for.',
});
