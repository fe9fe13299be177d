import type { BooksClass, BooksDirection } from '@practice-sync/contracts';
import type { DataSource, EntityManager } from 'typeorm';

import type { FailedObject } from './direction-sync';
import { errorCodeOf } from './object-results';

export interface WatermarkKey {
  linkId: string;
  cls: BooksClass;
  direction: BooksDirection;
}

export interface ObjectErrorRow {
  guid: string;
  type: string;
  direction: string;
  errorCode: string;
  /** Tally's own text (names ledgers): for the firm's run log only. */
  message: string;
  attempt: number;
  at: string;
}

/** connector-books' own tables: watermarks and the refused objects' Tally errors. */
export class BooksStore {
  constructor(private readonly dataSource: DataSource) {}

  async watermark(key: WatermarkKey): Promise<number> {
    const rows = (await this.dataSource.query(
      'SELECT alter_id FROM books_watermarks WHERE link_id = $1 AND class = $2 AND direction = $3',
      [key.linkId, key.cls, key.direction],
    )) as { alter_id: string }[];
    return rows.length ? Number(rows[0].alter_id) : 0;
  }

  /** In the job's finishing transaction; never moves a watermark back (a slower, older job loses). */
  async saveWatermark(
    manager: EntityManager,
    key: WatermarkKey,
    firmId: string,
    alterId: number,
    jobId: string,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO books_watermarks (link_id, class, direction, firm_id, alter_id, job_id, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (link_id, class, direction) DO UPDATE
         SET alter_id = GREATEST(books_watermarks.alter_id, EXCLUDED.alter_id), job_id = EXCLUDED.job_id,
             updated_at = EXCLUDED.updated_at`,
      [key.linkId, key.cls, key.direction, firmId, alterId, jobId, at],
    );
  }

  async saveErrors(
    manager: EntityManager,
    job: { firmId: string; jobId: string; attempt: number; linkId: string },
    direction: BooksDirection,
    failed: readonly FailedObject[],
    at: Date,
  ): Promise<void> {
    for (const f of failed) {
      await manager.query(
        `INSERT INTO books_object_errors
           (firm_id, job_id, attempt, link_id, direction, guid, object_type, error_code, message, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (job_id, attempt, direction, guid) DO NOTHING`,
        [
          job.firmId,
          job.jobId,
          job.attempt,
          job.linkId,
          direction,
          f.guid,
          f.type,
          errorCodeOf(f.message),
          f.message,
          at,
        ],
      );
    }
  }

  async errorsOf(firmId: string, jobId: string): Promise<ObjectErrorRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT guid, object_type, direction, error_code, message, attempt, created_at FROM books_object_errors
        WHERE firm_id = $1 AND job_id = $2 ORDER BY attempt, id`,
      [firmId, jobId],
    )) as {
      guid: string;
      object_type: string;
      direction: string;
      error_code: string;
      message: string;
      attempt: number;
      created_at: Date;
    }[];
    return rows.map((r) => ({
      guid: r.guid,
      type: r.object_type,
      direction: r.direction,
      errorCode: r.error_code,
      message: r.message,
      attempt: r.attempt,
      at: r.created_at.toISOString(),
    }));
  }
}
