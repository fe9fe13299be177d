import type { CredentialCipher } from '@practice-sync/connector-kit';
import type { BooksCounts } from '@practice-sync/contracts';
import type { DataSource, EntityManager } from 'typeorm';

import type { ChunkProgress, SnapshotObject } from './snapshot-chunks';

export interface SnapshotRow {
  jobId: string;
  linkId: string;
  senderTop: number;
  chunkSize: number;
  /** Null while staging (an attempt killed then stages again from scratch). */
  chunks: number | null;
  finished: boolean;
}

export interface ChunkTotals {
  counts: BooksCounts;
  /** Per class, the oldest ALTERID the receiver refused (null: none). */
  oldestFailed: { masters: number | null; transactions: number | null };
}

export interface ChunkAck {
  created: number;
  altered: number;
  unchanged: number;
  errors: number;
  failedMastersAt: number | null;
  failedVouchersAt: number | null;
}

/** The additional data a chunk is sealed with: a sealed chunk copied to another job or index does not open. */
const aadOf = (jobId: string, index: number): string => `books-snapshot:${jobId}:${index}`;

/**
 * connector-books' snapshot progress: the snapshot row, its chunks staged sealed (AES-256-GCM with the
 * connectors' credential keyring) and each chunk's acknowledgement with its counts.
 */
export class SnapshotStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: CredentialCipher,
  ) {}

  async find(jobId: string): Promise<SnapshotRow | null> {
    const rows = (await this.dataSource.query(
      `SELECT job_id, link_id, sender_top, chunk_size, chunks, finished_at FROM books_snapshots WHERE job_id = $1`,
      [jobId],
    )) as {
      job_id: string;
      link_id: string;
      sender_top: string;
      chunk_size: number;
      chunks: number | null;
      finished_at: Date | null;
    }[];
    const r = rows[0];
    if (!r) return null;
    return {
      jobId: r.job_id,
      linkId: r.link_id,
      senderTop: Number(r.sender_top),
      chunkSize: r.chunk_size,
      chunks: r.chunks,
      finished: r.finished_at !== null,
    };
  }

  /** Starts (or, after a kill while staging, restarts) staging: the row, no chunks. */
  async begin(
    snapshot: { jobId: string; linkId: string; firmId: string; senderTop: number; chunkSize: number },
    at: Date,
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query('DELETE FROM books_snapshots WHERE job_id = $1', [snapshot.jobId]);
      await m.query(
        `INSERT INTO books_snapshots (job_id, link_id, firm_id, sender_top, chunk_size, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [snapshot.jobId, snapshot.linkId, snapshot.firmId, snapshot.senderTop, snapshot.chunkSize, at],
      );
    });
  }

  /** Stages chunks `from`, `from + 1`… sealed. */
  async stage(jobId: string, from: number, chunks: readonly SnapshotObject[][]): Promise<void> {
    if (!chunks.length) return;
    await this.dataSource.transaction(async (m) => {
      for (const [i, chunk] of chunks.entries()) {
        const index = from + i;
        const plain = JSON.stringify(chunk);
        const sealed = this.cipher.encrypt(plain, aadOf(jobId, index));
        await m.query(
          `INSERT INTO books_snapshot_chunks (job_id, chunk_index, objects, bytes, payload, key_id)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [jobId, index, chunk.length, Buffer.byteLength(plain), sealed, sealed.split('.')[1]],
        );
      }
    });
  }

  async staged(jobId: string, chunks: number, at: Date): Promise<void> {
    await this.dataSource.query('UPDATE books_snapshots SET chunks = $2, staged_at = $3 WHERE job_id = $1', [
      jobId,
      chunks,
      at,
    ]);
  }

  async progress(jobId: string): Promise<ChunkProgress[]> {
    const rows = (await this.dataSource.query(
      `SELECT chunk_index, sent, acknowledged_at FROM books_snapshot_chunks WHERE job_id = $1 ORDER BY chunk_index`,
      [jobId],
    )) as { chunk_index: number; sent: number; acknowledged_at: Date | null }[];
    return rows.map((r) => ({
      index: r.chunk_index,
      sent: r.sent,
      acknowledged: r.acknowledged_at !== null,
    }));
  }

  /** Opens a staged chunk and records that an attempt is sending it (before the import: a kill counts). */
  async send(jobId: string, index: number): Promise<{ objects: SnapshotObject[]; bytes: number }> {
    const rows = (await this.dataSource.query(
      `UPDATE books_snapshot_chunks SET sent = sent + 1 WHERE job_id = $1 AND chunk_index = $2
         AND acknowledged_at IS NULL RETURNING payload, bytes`,
      [jobId, index],
    )) as [{ payload: string | null; bytes: number }[], number];
    const row = rows[0][0];
    if (!row?.payload)
      throw new Error(`snapshot ${jobId}: chunk ${index} is not staged or already acknowledged`);
    return { objects: JSON.parse(this.cipher.decrypt(row.payload, aadOf(jobId, index))), bytes: row.bytes };
  }

  /** The receiver's acknowledgement: counts kept, the sealed objects dropped (in the caller's transaction). */
  async acknowledge(
    manager: EntityManager,
    jobId: string,
    index: number,
    ack: ChunkAck,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE books_snapshot_chunks
          SET acknowledged_at = $3, payload = NULL, created = $4, altered = $5, unchanged = $6, errors = $7,
              failed_masters_at = $8, failed_vouchers_at = $9
        WHERE job_id = $1 AND chunk_index = $2`,
      [
        jobId,
        index,
        at,
        ack.created,
        ack.altered,
        ack.unchanged,
        ack.errors,
        ack.failedMastersAt,
        ack.failedVouchersAt,
      ],
    );
  }

  /** What every acknowledged chunk of the snapshot did, over all its attempts. */
  async totals(jobId: string): Promise<ChunkTotals & { acknowledged: number }> {
    const [r] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE acknowledged_at IS NOT NULL)::int AS acknowledged,
              coalesce(sum(created), 0)::int AS created, coalesce(sum(altered), 0)::int AS altered,
              coalesce(sum(unchanged), 0)::int AS unchanged, coalesce(sum(errors), 0)::int AS errors,
              min(failed_masters_at) AS fm, min(failed_vouchers_at) AS fv
         FROM books_snapshot_chunks WHERE job_id = $1`,
      [jobId],
    )) as {
      acknowledged: number;
      created: number;
      altered: number;
      unchanged: number;
      errors: number;
      fm: string | null;
      fv: string | null;
    }[];
    return {
      acknowledged: r.acknowledged,
      counts: {
        created: r.created,
        altered: r.altered,
        deleted: 0,
        unchanged: r.unchanged,
        held: 0,
        conflicts: 0,
        errors: r.errors,
      },
      oldestFailed: {
        masters: r.fm === null ? null : Number(r.fm),
        transactions: r.fv === null ? null : Number(r.fv),
      },
    };
  }

  async finish(manager: EntityManager, jobId: string, at: Date): Promise<void> {
    await manager.query('UPDATE books_snapshots SET finished_at = $2 WHERE job_id = $1', [jobId, at]);
  }
}
