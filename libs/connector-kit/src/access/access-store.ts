import type { DataSource, EntityManager } from 'typeorm';

import type { ConnectorFamily } from '../core/connector-family';
import type { CredentialCipher } from './credential-cipher';

export type AccessState = 'ok' | 'otp_required' | 'expiring' | 'failed';

/** What `GET …/credentials` answers per identifier: health only, never a secret. */
export interface AccessStatus {
  portal: ConnectorFamily;
  identifier: string;
  status: AccessState;
  detail: string | null;
  expiresAt: string | null;
  updatedAt: string;
}

/** A stored access with its secret and session decrypted (in memory only). */
export interface AccessRecord<S = unknown, T = unknown> {
  firmId: string;
  portal: ConnectorFamily;
  identifier: string;
  secret: S | null;
  session: T | null;
  status: AccessState;
  detail: string | null;
  expiresAt: Date | null;
  updatedAt: Date;
}

export interface AccessUpdate<S = unknown, T = unknown> {
  /** undefined keeps the stored value; null clears it. */
  secret?: S | null;
  session?: T | null;
  status: AccessState;
  detail: string | null;
  expiresAt?: Date | null;
}

interface Row {
  firm_id: string;
  portal: ConnectorFamily;
  identifier: string;
  secret: string | null;
  session: string | null;
  status: AccessState;
  detail: string | null;
  expires_at: Date | null;
  updated_at: Date;
}

type Db = Pick<EntityManager, 'query'>;

/** One identifier's access as a read-ahead found it (`row` null: nothing stored), usable until `until`. */
interface ReadAhead {
  row: Row | null;
  until: number;
}

/** An identifier whose access a claimed job will read. */
export interface AccessKey {
  firmId: string;
  identifier: string;
}

/**
 * The `portal_access` table. Secrets and sessions are sealed with the CredentialCipher; the firm, portal and
 * identifier are the associated data, so a ciphertext only opens in its own row.
 */
export class AccessStore {
  /** Rows read ahead for claimed jobs (`readAhead`), by `firm|portal|identifier`. */
  private readonly ahead = new Map<string, ReadAhead>();
  /**
   * The write (of `writes`) that last changed an identifier's access in this process, while read-aheads are in
   * flight: one that began before it may hold the old row.
   */
  private readonly written = new Map<string, number>();
  private writes = 0;
  private readingAhead = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: CredentialCipher,
    /** A status `ok` with less than this left is shown as `expiring`. */
    private readonly expiringWithinMs: number,
    /**
     * How long a row read ahead for claimed jobs answers `getForJob` (0: never, every job reads its own). A
     * job may then act on its access as it was up to this long before it started, as it does when a change
     * lands during its fetch; a change this process writes (`put`) is seen at once.
     */
    private readonly readAheadMs = 0,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Reads the access of the identifiers claimed jobs will use, in one statement, for `getForJob` to answer
   * from (what is found, and that nothing is stored for the others). Saves one transaction per job and
   * identifier: each job read its access alone before.
   */
  async readAhead(portal: ConnectorFamily, keys: readonly AccessKey[]): Promise<void> {
    if (this.readAheadMs <= 0 || keys.length === 0) return;
    const at = this.now();
    for (const [key, entry] of this.ahead) if (entry.until < at) this.ahead.delete(key);
    const unique = new Map(keys.map((k) => [aheadKey(k.firmId, portal, k.identifier), k]));
    const began = this.writes;
    this.readingAhead += 1;
    try {
      const rows: Row[] = await this.dataSource.query(
        `SELECT a.* FROM portal_access a
           JOIN unnest($2::text[], $3::text[]) AS k(firm_id, identifier)
             ON a.firm_id = k.firm_id AND a.identifier = k.identifier
          WHERE a.portal = $1`,
        [portal, [...unique.values()].map((k) => k.firmId), [...unique.values()].map((k) => k.identifier)],
      );
      const until = at + this.readAheadMs;
      const found = new Map(rows.map((r) => [aheadKey(r.firm_id, portal, r.identifier), r]));
      for (const key of unique.keys()) {
        // Written by this process since this read began: what was read may be older than what was written.
        if ((this.written.get(key) ?? -1) > began) continue;
        this.ahead.set(key, { row: found.get(key) ?? null, until });
      }
    } finally {
      this.readingAhead -= 1;
      if (this.readingAhead === 0) this.written.clear();
    }
  }

  /**
   * The access a job starts with: the row read ahead for it (`readAhead`) while still fresh, else read now.
   * Re-reads that look for another worker's change (a refreshed session) must use `get`.
   */
  async getForJob<S, T>(
    firmId: string,
    portal: ConnectorFamily,
    identifier: string,
  ): Promise<AccessRecord<S, T> | null> {
    const entry = this.ahead.get(aheadKey(firmId, portal, identifier));
    if (entry && entry.until >= this.now()) return entry.row ? this.open<S, T>(entry.row) : null;
    return this.get<S, T>(firmId, portal, identifier);
  }

  async get<S, T>(
    firmId: string,
    portal: ConnectorFamily,
    identifier: string,
    db: Db = this.dataSource,
  ): Promise<AccessRecord<S, T> | null> {
    const rows: Row[] = await db.query(
      `SELECT * FROM portal_access WHERE firm_id = $1 AND portal = $2 AND identifier = $3`,
      [firmId, portal, identifier],
    );
    return rows.length ? this.open<S, T>(rows[0]) : null;
  }

  async put<S, T>(
    firmId: string,
    portal: ConnectorFamily,
    identifier: string,
    update: AccessUpdate<S, T>,
    db: Db = this.dataSource,
  ): Promise<AccessStatus> {
    const key = aheadKey(firmId, portal, identifier);
    this.forget(key);
    const aad = (part: string) => `${firmId}|${portal}|${identifier}|${part}`;
    const seal = (value: unknown, part: string) =>
      value === undefined
        ? undefined
        : value === null
          ? null
          : this.cipher.encrypt(JSON.stringify(value), aad(part));
    const secret = seal(update.secret, 'secret');
    const session = seal(update.session, 'session');
    const rows: Row[] = await db.query(
      `INSERT INTO portal_access (firm_id, portal, identifier, secret, session, status, detail, expires_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (firm_id, portal, identifier) DO UPDATE SET
         secret = CASE WHEN $9 THEN EXCLUDED.secret ELSE portal_access.secret END,
         session = CASE WHEN $10 THEN EXCLUDED.session ELSE portal_access.session END,
         expires_at = CASE WHEN $11 THEN EXCLUDED.expires_at ELSE portal_access.expires_at END,
         status = EXCLUDED.status, detail = EXCLUDED.detail, updated_at = now()
       RETURNING *`,
      [
        firmId,
        portal,
        identifier,
        secret ?? null,
        session ?? null,
        update.status,
        update.detail,
        update.expiresAt ?? null,
        secret !== undefined,
        session !== undefined,
        update.expiresAt !== undefined,
      ],
    );
    // Again once written: a read-ahead that started during the write may have read the row before it.
    this.forget(key);
    return this.statusOf(rows[0]);
  }

  /** Drops what was read ahead for an identifier this process writes, and keeps out read-aheads begun before. */
  private forget(key: string): void {
    if (this.readAheadMs <= 0) return;
    this.ahead.delete(key);
    this.writes += 1;
    if (this.readingAhead > 0) this.written.set(key, this.writes);
  }

  async list(firmId: string, portal: ConnectorFamily, status?: AccessState): Promise<AccessStatus[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM portal_access WHERE firm_id = $1 AND portal = $2 ORDER BY identifier`,
      [firmId, portal],
    );
    return rows.map((r) => this.statusOf(r)).filter((s) => !status || s.status === status);
  }

  /** Identifiers whose `ok` session ends within `withinMs` (for refreshing idle sessions in time). */
  async expiring(
    portal: ConnectorFamily,
    withinMs: number,
  ): Promise<{ firmId: string; identifier: string }[]> {
    const rows: { firm_id: string; identifier: string }[] = await this.dataSource.query(
      `SELECT firm_id, identifier FROM portal_access
        WHERE portal = $1 AND status = 'ok' AND expires_at IS NOT NULL
          AND expires_at < now() + make_interval(secs => $2::double precision / 1000)
        ORDER BY expires_at LIMIT 500`,
      [portal, withinMs],
    );
    return rows.map((r) => ({ firmId: r.firm_id, identifier: r.identifier }));
  }

  /** Identifiers of this portal by access status as `GET …/credentials` shows it (`expiring` computed), every firm. */
  async countByStatus(portal: ConnectorFamily): Promise<Record<AccessState, number>> {
    const rows: { status: AccessState; n: number }[] = await this.dataSource.query(
      `SELECT CASE WHEN status = 'ok' AND expires_at IS NOT NULL
                    AND expires_at < now() + make_interval(secs => $2::double precision / 1000)
                   THEN 'expiring' ELSE status END AS status, count(*)::int AS n
         FROM portal_access WHERE portal = $1 GROUP BY 1`,
      [portal, this.expiringWithinMs],
    );
    const counts: Record<AccessState, number> = { ok: 0, otp_required: 0, expiring: 0, failed: 0 };
    for (const r of rows) counts[r.status] += Number(r.n);
    return counts;
  }

  /** Rows still sealed with another key than the active one (for a rotation job or a check). */
  async countSealedWithOtherKeys(activeKeyId: string): Promise<number> {
    const rows: { n: string }[] = await this.dataSource.query(
      `SELECT count(*) AS n FROM portal_access
        WHERE (secret IS NOT NULL AND split_part(secret, '.', 2) <> $1)
           OR (session IS NOT NULL AND split_part(session, '.', 2) <> $1)`,
      [activeKeyId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  statusOf(row: Row): AccessStatus {
    let status = row.status;
    if (status === 'ok' && row.expires_at && row.expires_at.getTime() - Date.now() < this.expiringWithinMs) {
      status = 'expiring';
    }
    return {
      portal: row.portal,
      identifier: row.identifier,
      status,
      detail: row.detail,
      expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
      updatedAt: row.updated_at.toISOString(),
    };
  }

  private open<S, T>(row: Row): AccessRecord<S, T> {
    const aad = (part: string) => `${row.firm_id}|${row.portal}|${row.identifier}|${part}`;
    const open = <V>(value: string | null, part: string): V | null =>
      value === null ? null : (JSON.parse(this.cipher.decrypt(value, aad(part))) as V);
    return {
      firmId: row.firm_id,
      portal: row.portal,
      identifier: row.identifier,
      secret: open<S>(row.secret, 'secret'),
      session: open<T>(row.session, 'session'),
      status: row.status,
      detail: row.detail,
      expiresAt: row.expires_at,
      updatedAt: row.updated_at,
    };
  }
}

function aheadKey(firmId: string, portal: string, identifier: string): string {
  return `${firmId}|${portal}|${identifier}`;
}
