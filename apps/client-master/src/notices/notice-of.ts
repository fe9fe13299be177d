import type { Category, NoticeStatus } from '@practice-sync/contracts';
import { NoticeCategories, toIsoDate } from '@practice-sync/contracts';

/** Categories whose records may be notices firms must answer. */
export const NOTICE_CATEGORIES: ReadonlySet<Category> = new Set<Category>(NoticeCategories);

export interface NoticeFacts {
  /** The portal's id (ARN for GST, proceeding id for Income Tax): one notice per client and id. */
  noticeId: string;
  section: string | null;
  status: NoticeStatus;
  /** The status as the portal words it (`Replied`, `Response submitted`…). */
  portalStatus: string | null;
  /** `YYYY-MM-DD`, or null when the portal gives none or one that is not a date. */
  dueDate: string | null;
  issuedOn: string | null;
  /** The dates as the portal wrote them. */
  portalDates: { dueDate: string | null; issuedOn: string | null };
  description: string | null;
}

const NOTICE_KINDS = new Set(['notice', 'proceeding']);

function firstString(data: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const v = data[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  return null;
}

/**
 * GST words it Open / Replied / Closed, the Income Tax portal Open / Response submitted / Closed (with a
 * closure order). Anything else is read as open: a notice the firm may have to answer is never hidden.
 */
export function noticeStatusOf(portalStatus: string | null, closureOrder: unknown): NoticeStatus {
  if (closureOrder !== null && typeof closureOrder === 'object') return 'closed';
  const s = portalStatus?.toLowerCase() ?? '';
  if (/clos|dispos|drop|withdrawn/.test(s)) return 'closed';
  if (/repl|respon|submitted/.test(s)) return 'replied';
  return 'open';
}

/**
 * The notice in a record of a notices category, or null when the record is something else the category also
 * carries (a return-register filing, an outstanding demand). The connectors tag records with `kind`
 * (`notice` for GST, `proceeding` for Income Tax e-proceedings); the field names are the portals'.
 */
export function noticeOf(
  category: Category,
  naturalKey: string,
  data: Record<string, unknown> | null,
): NoticeFacts | null {
  if (!NOTICE_CATEGORIES.has(category) || !data) return null;
  if (typeof data.kind !== 'string' || !NOTICE_KINDS.has(data.kind)) return null;
  const portalStatus = firstString(data, ['status', 'proceedingStatus', 'noticeStatus']);
  const due = firstString(data, ['dueDateOfReply', 'responseDueDate', 'dueDate']);
  const issued = firstString(data, ['dateOfIssue', 'issuedOn', 'issueDate']);
  return {
    noticeId: firstString(data, ['arn', 'proceedingReqId', 'noticeId', 'DIN', 'din']) ?? naturalKey,
    section: firstString(data, ['noticeSection', 'section', 'noticeType']),
    status: noticeStatusOf(portalStatus, data.closureOrder),
    portalStatus,
    dueDate: toIsoDate(due),
    issuedOn: toIsoDate(issued),
    portalDates: { dueDate: due, issuedOn: issued },
    description: firstString(data, ['description', 'proceedingName']),
  };
}
