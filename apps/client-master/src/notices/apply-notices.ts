import type { ClientRecordsChanged, NoticeStatus } from '@practice-sync/contracts';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { NoticeFacts } from './notice-of';
import { NOTICE_CATEGORIES, noticeOf } from './notice-of';

/** A notice to announce: never seen for this client (and not closed), or a known one whose state moved. */
export type NoticeChange =
  | { kind: 'detected'; naturalKey: string; notice: NoticeFacts }
  | {
      kind: 'updated';
      naturalKey: string;
      notice: NoticeFacts;
      previous: { status: NoticeStatus; dueDate: string | null };
    };

interface Stored {
  notice_id: string;
  status: NoticeStatus;
  due_date: string | null;
  observed_at: Date;
}

/**
 * Keeps the client's notices from one records chunk, in the caller's (inbox) transaction. A notice is one row
 * per client, category and notice id, whichever period's fetch carried it, so the same ARN fetched for
 * every GST period is one notice. Every notice record of the chunk counts, changed or not (a record already in
 * the store for one period arrives as `added` for the next); removals do not remove notices (the portal's
 * list dropping a notice says nothing about it being answered). Returns what to announce: a notice never seen
 * for this client unless it is already closed, and a change of status or due date of a known one. A chunk
 * published before the facts already stored (`at`) changes nothing, and a redelivered chunk finds nothing new.
 */
export async function applyNotices(
  manager: EntityManager,
  firmId: string,
  chunk: ClientRecordsChanged,
  at: Date,
): Promise<NoticeChange[]> {
  if (!NOTICE_CATEGORIES.has(chunk.category)) return [];
  const byId = new Map<string, { naturalKey: string; notice: NoticeFacts }>();
  for (const change of chunk.changes) {
    if (change.change === 'removed') continue;
    const notice = noticeOf(chunk.category, change.naturalKey, change.data);
    if (!notice) continue;
    byId.delete(notice.noticeId); // the last fact of a notice in the chunk wins, at its position
    byId.set(notice.noticeId, { naturalKey: change.naturalKey, notice });
  }
  if (byId.size === 0) return [];

  const stored = new Map(
    (
      (await manager.query(
        `SELECT notice_id, status, to_char(due_date, 'YYYY-MM-DD') AS due_date, observed_at FROM notices
          WHERE firm_id = $1 AND client_id = $2 AND category = $3 AND notice_id = ANY($4::text[])
          FOR UPDATE`,
        [firmId, chunk.clientId, chunk.category, [...byId.keys()]],
      )) as Stored[]
    ).map((s) => [s.notice_id, s]),
  );

  const announce: NoticeChange[] = [];
  for (const [noticeId, { naturalKey, notice }] of byId) {
    const before = stored.get(noticeId);
    if (!before) {
      if (notice.status !== 'closed') announce.push({ kind: 'detected', naturalKey, notice });
    } else if (
      before.observed_at.getTime() <= at.getTime() &&
      (before.status !== notice.status || before.due_date !== notice.dueDate)
    ) {
      announce.push({
        kind: 'updated',
        naturalKey,
        notice,
        previous: { status: before.status, dueDate: before.due_date },
      });
    }
  }

  const rows = [...byId.values()];
  await manager.query(
    `INSERT INTO notices (id, firm_id, client_id, category, subject_kind, subject_value, notice_id, natural_key,
                          first_period, section, description, status, portal_status, issued_on, due_date,
                          issued_on_raw, due_date_raw, first_seen_at, observed_at, updated_at)
     SELECT n.id, $1::uuid, $2::uuid, $3::text, $4::text, $5::text, n.notice_id, n.natural_key, $6::text,
            n.section, n.description, n.status, n.portal_status, n.issued_on, n.due_date, n.issued_on_raw,
            n.due_date_raw, $7::timestamptz, $7::timestamptz, now()
       FROM unnest($8::uuid[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                   $15::date[], $16::date[], $17::text[], $18::text[])
         AS n(id, notice_id, natural_key, section, description, status, portal_status, issued_on, due_date,
              issued_on_raw, due_date_raw)
     ON CONFLICT ON CONSTRAINT notices_once DO UPDATE SET
       subject_kind = EXCLUDED.subject_kind, subject_value = EXCLUDED.subject_value,
       natural_key = EXCLUDED.natural_key, section = EXCLUDED.section, description = EXCLUDED.description,
       status = EXCLUDED.status, portal_status = EXCLUDED.portal_status, issued_on = EXCLUDED.issued_on,
       due_date = EXCLUDED.due_date, issued_on_raw = EXCLUDED.issued_on_raw,
       due_date_raw = EXCLUDED.due_date_raw, observed_at = EXCLUDED.observed_at, updated_at = now()
     WHERE notices.observed_at <= EXCLUDED.observed_at
       AND (notices.subject_kind, notices.subject_value, notices.natural_key, notices.section,
            notices.description, notices.status, notices.portal_status, notices.issued_on, notices.due_date,
            notices.issued_on_raw, notices.due_date_raw)
           IS DISTINCT FROM
           (EXCLUDED.subject_kind, EXCLUDED.subject_value, EXCLUDED.natural_key, EXCLUDED.section,
            EXCLUDED.description, EXCLUDED.status, EXCLUDED.portal_status, EXCLUDED.issued_on,
            EXCLUDED.due_date, EXCLUDED.issued_on_raw, EXCLUDED.due_date_raw)`,
    [
      firmId,
      chunk.clientId,
      chunk.category,
      chunk.subject.kind,
      chunk.subject.value,
      chunk.period,
      at,
      rows.map(() => uuidv7()),
      rows.map((r) => r.notice.noticeId),
      rows.map((r) => r.naturalKey),
      rows.map((r) => r.notice.section),
      rows.map((r) => r.notice.description),
      rows.map((r) => r.notice.status),
      rows.map((r) => r.notice.portalStatus),
      rows.map((r) => r.notice.issuedOn),
      rows.map((r) => r.notice.dueDate),
      rows.map((r) => r.notice.portalDates.issuedOn),
      rows.map((r) => r.notice.portalDates.dueDate),
    ],
  );
  return announce;
}
