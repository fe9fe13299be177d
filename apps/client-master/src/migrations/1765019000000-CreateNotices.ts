import type { Category } from '@practice-sync/contracts';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { NOTICE_CATEGORIES, noticeOf } from '../notices/notice-of';

interface NoticeRecordRow {
  firm_id: string;
  client_id: string;
  category: Category;
  subject_kind: string;
  subject_value: string;
  period: string | null;
  natural_key: string;
  data: Record<string, unknown>;
  first_seen_at: Date;
  last_seen_at: Date;
}

/**
 * Notices, one row per client and notice id (GST ARN, Income Tax proceeding id) whatever period fetched them,
 * maintained with the records in the records consumer's inbox transaction; the firm-wide view reads them by
 * due date. Notices already in the records store are copied in (latest fetch first, earliest first-seen),
 * so they are known, and not announced again by the next fetch.
 */
export class CreateNotices1765019000000 implements MigrationInterface {
  name = 'CreateNotices1765019000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notices (
        id            uuid PRIMARY KEY,
        firm_id       uuid NOT NULL,
        client_id     uuid NOT NULL,
        category      text NOT NULL,
        subject_kind  text NOT NULL,
        subject_value text NOT NULL,
        notice_id     text NOT NULL,
        natural_key   text NOT NULL,
        first_period  text,
        section       text,
        description   text,
        status        text NOT NULL,
        portal_status text,
        issued_on     date,
        due_date      date,
        issued_on_raw text,
        due_date_raw  text,
        first_seen_at timestamptz NOT NULL,
        observed_at   timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notices_client_id_fkey FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE,
        CONSTRAINT notices_once UNIQUE (firm_id, client_id, category, notice_id)
      )`);
    await q.query('CREATE INDEX notices_due ON notices (firm_id, due_date, id)');
    await this.copyFromRecords(q);
  }

  /** The notices already in the records store, the latest fetch of each first (later ones are no-ops). */
  async copyFromRecords(q: QueryRunner): Promise<void> {
    const rows = (await q.query(
      `SELECT firm_id, client_id, category, subject_kind, subject_value, natural_key, data, last_seen_at,
              first_value(period) OVER w AS period, min(first_seen_at) OVER w AS first_seen_at
         FROM records
        WHERE category = ANY($1::text[]) AND removed_at IS NULL AND data->>'kind' IN ('notice', 'proceeding')
       WINDOW w AS (PARTITION BY client_id, category, natural_key ORDER BY first_seen_at)
        ORDER BY last_seen_at DESC`,
      [[...NOTICE_CATEGORIES]],
    )) as NoticeRecordRow[];
    for (const r of rows) {
      const n = noticeOf(r.category, r.natural_key, r.data);
      if (!n) continue;
      await q.query(
        `INSERT INTO notices (id, firm_id, client_id, category, subject_kind, subject_value, notice_id,
                              natural_key, first_period, section, description, status, portal_status, issued_on,
                              due_date, issued_on_raw, due_date_raw, first_seen_at, observed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         ON CONFLICT ON CONSTRAINT notices_once DO NOTHING`,
        [
          uuidv7(),
          r.firm_id,
          r.client_id,
          r.category,
          r.subject_kind,
          r.subject_value,
          n.noticeId,
          r.natural_key,
          r.period,
          n.section,
          n.description,
          n.status,
          n.portalStatus,
          n.issuedOn,
          n.dueDate,
          n.portalDates.issuedOn,
          n.portalDates.dueDate,
          r.first_seen_at,
          r.last_seen_at,
        ],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE notices');
  }
}
