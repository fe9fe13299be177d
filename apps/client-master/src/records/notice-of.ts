import type { Category } from '@practice-sync/contracts';

/** Categories whose new records may be notices firms must answer. */
export const NOTICE_CATEGORIES: ReadonlySet<Category> = new Set<Category>([
  'gst.notices_return_register',
  'itr.notices_orders',
]);

export interface NoticeFacts {
  noticeId: string;
  section: string | null;
  dueDate: string | null;
  issuedOn: string | null;
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
  return {
    noticeId: firstString(data, ['arn', 'proceedingReqId', 'noticeId', 'DIN', 'din']) ?? naturalKey,
    section: firstString(data, ['noticeSection', 'section', 'noticeType']),
    dueDate: firstString(data, ['dueDateOfReply', 'responseDueDate', 'dueDate']),
    issuedOn: firstString(data, ['dateOfIssue', 'issuedOn', 'issueDate']),
    description: firstString(data, ['description', 'proceedingName']),
  };
}
