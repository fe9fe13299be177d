import type { Category, NoticeStatus } from '@practice-sync/contracts';
import { ISO_DATE_PATTERN, NoticeCategories, NoticeStatuses, portalOf } from '@practice-sync/contracts';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';

import { PageQueryDto } from '../common/page-query.dto';

export const NOTICE_PORTALS = [...new Set(NoticeCategories.map(portalOf))];

export class ListNoticesQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  clientId?: string;

  @IsOptional()
  @IsIn(NOTICE_PORTALS)
  portal?: string;

  @IsOptional()
  @IsIn(NoticeCategories)
  category?: string;

  /** Only notices due before this date (exclusive), `YYYY-MM-DD`; notices without a due date are left out. */
  @IsOptional()
  @Matches(ISO_DATE_PATTERN)
  @IsISO8601({ strict: true })
  dueBefore?: string;

  /** Only this status; by default every notice not closed (open and replied). */
  @IsOptional()
  @IsIn(NoticeStatuses)
  status?: NoticeStatus;
}

export interface NoticeDto {
  id: string;
  client: { id: string; name: string };
  noticeId: string;
  section: string | null;
  description: string | null;
  status: NoticeStatus;
  portalStatus: string | null;
  issuedOn: string | null;
  dueDate: string | null;
  portalDates: { issuedOn: string | null; dueDate: string | null };
  source: {
    portal: string;
    category: string;
    subject: { kind: string; value: string };
    firstPeriod: string | null;
    naturalKey: string;
  };
  firstSeenAt: string;
  updatedAt: string;
}

/** A row of the notices view (dates as `YYYY-MM-DD` text, the client's name joined). */
export interface NoticeRow {
  id: string;
  client_id: string;
  client_name: string;
  category: Category;
  subject_kind: string;
  subject_value: string;
  notice_id: string;
  natural_key: string;
  first_period: string | null;
  section: string | null;
  description: string | null;
  status: NoticeStatus;
  portal_status: string | null;
  issued_on: string | null;
  due_date: string | null;
  issued_on_raw: string | null;
  due_date_raw: string | null;
  first_seen_at: Date;
  updated_at: Date;
}

export function toNoticeDto(n: NoticeRow): NoticeDto {
  return {
    id: n.id,
    client: { id: n.client_id, name: n.client_name },
    noticeId: n.notice_id,
    section: n.section,
    description: n.description,
    status: n.status,
    portalStatus: n.portal_status,
    issuedOn: n.issued_on,
    dueDate: n.due_date,
    portalDates: { issuedOn: n.issued_on_raw, dueDate: n.due_date_raw },
    source: {
      portal: portalOf(n.category),
      category: n.category,
      subject: { kind: n.subject_kind, value: n.subject_value },
      firstPeriod: n.first_period,
      naturalKey: n.natural_key,
    },
    firstSeenAt: n.first_seen_at.toISOString(),
    updatedAt: n.updated_at.toISOString(),
  };
}
