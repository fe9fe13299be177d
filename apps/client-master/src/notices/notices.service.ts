import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { portalOf } from '@practice-sync/contracts';
import { DataSource } from 'typeorm';

import type { Page } from '../common/cursor';
import { DEFAULT_LIMIT } from '../common/cursor';
import { decodeNoticeCursor, encodeNoticeCursor } from './notice-cursor';
import { NOTICE_CATEGORIES } from './notice-of';
import type { ListNoticesQueryDto, NoticeDto, NoticeRow } from './notices.dto';
import { toNoticeDto } from './notices.dto';

@Injectable()
export class NoticesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The firm's notices, soonest due first (those without a due date last), by default only those not closed;
   * notices of deleted clients are left out.
   */
  async list(firmId: string, query: ListNoticesQueryDto): Promise<Page<NoticeDto>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const params: unknown[] = [firmId];
    const where = ['n.firm_id = $1'];
    const param = (v: unknown): string => `$${params.push(v)}`;
    if (query.status) where.push(`n.status = ${param(query.status)}`);
    else where.push(`n.status <> 'closed'`);
    if (query.clientId) where.push(`n.client_id = ${param(query.clientId)}::uuid`);
    if (query.category) where.push(`n.category = ${param(query.category)}`);
    if (query.portal) {
      const categories = [...NOTICE_CATEGORIES].filter((c) => portalOf(c) === query.portal);
      where.push(`n.category = ANY(${param(categories)}::text[])`);
    }
    if (query.dueBefore) where.push(`n.due_date < ${param(query.dueBefore)}::date`);
    if (query.cursor) {
      const after = decodeNoticeCursor(query.cursor);
      const id = param(after.id);
      where.push(
        after.due === null
          ? `(n.due_date IS NULL AND n.id > ${id}::uuid)`
          : `(n.due_date > ${param(after.due)}::date OR (n.due_date = $${params.length}::date AND n.id > ${id}::uuid)
              OR n.due_date IS NULL)`,
      );
    }
    const rows = (await this.db.query(
      `SELECT n.id, n.client_id, c.name AS client_name, n.category, n.subject_kind, n.subject_value, n.notice_id,
              n.natural_key, n.first_period, n.section, n.description, n.status, n.portal_status,
              to_char(n.issued_on, 'YYYY-MM-DD') AS issued_on, to_char(n.due_date, 'YYYY-MM-DD') AS due_date,
              n.issued_on_raw, n.due_date_raw, n.first_seen_at, n.updated_at
         FROM notices n JOIN clients c ON c.id = n.client_id AND c.deleted_at IS NULL
        WHERE ${where.join(' AND ')}
        ORDER BY n.due_date ASC NULLS LAST, n.id ASC
        LIMIT ${param(limit + 1)}`,
      params,
    )) as NoticeRow[];
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toNoticeDto),
      nextCursor:
        rows.length > limit && last ? encodeNoticeCursor({ due: last.due_date, id: last.id }) : null,
    };
  }
}
