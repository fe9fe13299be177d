import type { CredentialCipher } from '@practice-sync/connector-kit';
import { CredentialCipher as Cipher } from '@practice-sync/connector-kit';
import type { BooksClass } from '@practice-sync/contracts';
import type { DataSource, EntityManager } from 'typeorm';

import type { BooksServer } from '../tally/books-server.client';
import type { XmlNode } from '../tally/tally-xml';
import type { Side, SyncBase } from './conflict-detection';

/** A conflict met by a job: new (both versions) or a refresh of an open one (the versions seen again). */
export interface QueuedConflict {
  id: string;
  /** The open conflict this refreshes; null: a new one. */
  existing: boolean;
  guid: string;
  type: string;
  cls: BooksClass;
  client: BooksServer;
  server: BooksServer;
  /** Per side, its version; `node` null: that end deleted the object. */
  versions: Partial<Record<Side, { node: XmlNode | null; alterId: number }>>;
}

export interface ConflictRow {
  id: string;
  firmId: string;
  linkId: string;
  cls: BooksClass;
  guid: string;
  type: string;
  status: 'open' | 'resolved';
  /** `node` null: that end deleted the object. */
  client: BooksServer & { alterId: number; node: XmlNode | null };
  server: BooksServer & { alterId: number; node: XmlNode | null };
  keyId: string;
  detectedAt: Date;
  updatedAt: Date;
  resolution: 'client' | 'server' | 'body' | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
}

interface RawConflict {
  id: string;
  firm_id: string;
  link_id: string;
  class: BooksClass;
  guid: string;
  object_type: string;
  status: 'open' | 'resolved';
  client_company_id: string;
  client_books_url: string;
  server_company_id: string;
  server_books_url: string;
  client_alter_id: string;
  server_alter_id: string;
  client_version: string;
  server_version: string;
  key_id: string;
  detected_at: Date;
  updated_at: Date;
  resolution: 'client' | 'server' | 'body' | null;
  resolved_by: string | null;
  resolved_at: Date | null;
}

/** The sealed versions are bound to their firm, link, object and side: a ciphertext moved to another row fails. */
const aad = (firmId: string, linkId: string, guid: string, side: Side): string =>
  `books-conflict|${firmId}|${linkId}|${guid}|${side}`;

/**
 * connector-books' conflict queue and sync bases. Versions name ledgers, parties and amounts: they are sealed
 * with the connectors' credential cipher (AES-256-GCM, `CREDENTIALS_KEYS` / `CREDENTIALS_KEY_ID`) and only
 * opened to serve the firm its own conflicts or to resolve one.
 */
export class ConflictsStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: CredentialCipher,
  ) {}

  async bases(linkId: string, guids: readonly string[]): Promise<Map<string, SyncBase>> {
    if (!guids.length) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT guid, content_hash, client_alter_id, server_alter_id FROM books_sync_bases
        WHERE link_id = $1 AND guid = ANY($2)`,
      [linkId, guids],
    )) as { guid: string; content_hash: string; client_alter_id: string; server_alter_id: string }[];
    return new Map(
      rows.map((r) => [
        r.guid,
        {
          hash: r.content_hash,
          clientAlterId: Number(r.client_alter_id),
          serverAlterId: Number(r.server_alter_id),
        },
      ]),
    );
  }

  async saveBases(
    manager: EntityManager,
    linkId: string,
    bases: ReadonlyMap<string, { type: string; base: SyncBase }>,
    at: Date,
  ): Promise<void> {
    // One statement per 1,000 objects (a job may apply tens of thousands of vouchers).
    const rows = [...bases];
    for (let start = 0; start < rows.length; start += 1000) {
      const chunk = rows.slice(start, start + 1000);
      await manager.query(
        `INSERT INTO books_sync_bases
           (link_id, guid, object_type, content_hash, client_alter_id, server_alter_id, updated_at)
         SELECT $1, t.guid, t.object_type, t.content_hash, t.client_alter_id, t.server_alter_id, $2
           FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[])
             AS t(guid, object_type, content_hash, client_alter_id, server_alter_id)
         ON CONFLICT (link_id, guid) DO UPDATE SET object_type = EXCLUDED.object_type,
           content_hash = EXCLUDED.content_hash, client_alter_id = EXCLUDED.client_alter_id,
           server_alter_id = EXCLUDED.server_alter_id, updated_at = EXCLUDED.updated_at`,
        [
          linkId,
          at,
          chunk.map(([guid]) => guid),
          chunk.map(([, v]) => v.type),
          chunk.map(([, v]) => v.base.hash),
          chunk.map(([, v]) => v.base.clientAlterId),
          chunk.map(([, v]) => v.base.serverAlterId),
        ],
      );
    }
  }

  async dropBases(manager: EntityManager, linkId: string, guids: readonly string[]): Promise<void> {
    if (guids.length)
      await manager.query('DELETE FROM books_sync_bases WHERE link_id = $1 AND guid = ANY($2)', [
        linkId,
        guids,
      ]);
  }

  /** The link's open conflicts by GUID (a link has a handful at most; they freeze their objects). */
  async openOf(linkId: string): Promise<Map<string, string>> {
    const rows = (await this.dataSource.query(
      `SELECT id, guid FROM books_conflicts WHERE link_id = $1 AND status = 'open'`,
      [linkId],
    )) as { id: string; guid: string }[];
    return new Map(rows.map((r) => [r.guid, r.id]));
  }

  /** In the job's finishing transaction: new conflicts inserted (or merged into an open one), others refreshed. */
  async queue(
    manager: EntityManager,
    job: { firmId: string; linkId: string; jobId: string },
    conflicts: readonly QueuedConflict[],
    at: Date,
  ): Promise<void> {
    for (const c of conflicts) {
      const sealed = (side: Side): { version: string | null; alterId: number | null } => {
        const v = c.versions[side];
        if (!v) return { version: null, alterId: null };
        const plain = JSON.stringify(v.node);
        return {
          version: this.cipher.encrypt(plain, aad(job.firmId, job.linkId, c.guid, side)),
          alterId: v.alterId,
        };
      };
      const client = sealed('client');
      const server = sealed('server');
      const keyId = Cipher.keyIdOf(client.version ?? server.version ?? '') ?? '';
      const common = [c.client.companyId, c.client.booksUrl, c.server.companyId, c.server.booksUrl];
      if (!c.existing && client.version && server.version) {
        await manager.query(
          `INSERT INTO books_conflicts (id, firm_id, link_id, class, guid, object_type, status,
             client_company_id, client_books_url, server_company_id, server_books_url, client_alter_id,
             server_alter_id, client_version, server_version, key_id, detected_job_id, last_job_id, detected_at,
             updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17, $17)
           ON CONFLICT (link_id, guid) WHERE status = 'open' DO UPDATE SET
             client_version = EXCLUDED.client_version, server_version = EXCLUDED.server_version,
             client_alter_id = EXCLUDED.client_alter_id, server_alter_id = EXCLUDED.server_alter_id,
             key_id = EXCLUDED.key_id, last_job_id = EXCLUDED.last_job_id, updated_at = EXCLUDED.updated_at`,
          [
            c.id,
            job.firmId,
            job.linkId,
            c.cls,
            c.guid,
            c.type,
            ...common,
            client.alterId,
            server.alterId,
            client.version,
            server.version,
            keyId,
            job.jobId,
            at,
          ],
        );
        continue;
      }
      // A refresh: only the sides seen again change; the other keeps its sealed version (same key ring).
      await manager.query(
        `UPDATE books_conflicts SET
           client_version = COALESCE($3, client_version), client_alter_id = COALESCE($4, client_alter_id),
           server_version = COALESCE($5, server_version), server_alter_id = COALESCE($6, server_alter_id),
           client_company_id = $7, client_books_url = $8, server_company_id = $9, server_books_url = $10,
           key_id = $11, last_job_id = $12, updated_at = $13
         WHERE id = $1 AND link_id = $2 AND status = 'open'`,
        [
          c.id,
          job.linkId,
          client.version,
          client.alterId,
          server.version,
          server.alterId,
          ...common,
          keyId,
          job.jobId,
          at,
        ],
      );
    }
  }

  async list(
    firmId: string,
    linkId: string,
    status: 'open' | 'resolved' | 'all',
    limit: number,
    after: string | null,
  ): Promise<ConflictRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM books_conflicts
        WHERE firm_id = $1 AND link_id = $2 AND ($3 = 'all' OR status = $3) AND ($4::uuid IS NULL OR id > $4)
        ORDER BY id LIMIT $5`,
      [firmId, linkId, status, after, limit],
    )) as RawConflict[];
    return rows.map((r) => this.open(r));
  }

  async get(firmId: string, id: string, manager?: EntityManager): Promise<ConflictRow | null> {
    const rows = (await (manager ?? this.dataSource).query(
      `SELECT * FROM books_conflicts WHERE firm_id = $1 AND id = $2${manager ? ' FOR UPDATE' : ''}`,
      [firmId, id],
    )) as RawConflict[];
    return rows.length ? this.open(rows[0]) : null;
  }

  async markResolved(
    manager: EntityManager,
    id: string,
    resolution: 'client' | 'server' | 'body',
    by: string,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE books_conflicts SET status = 'resolved', resolution = $2, resolved_by = $3, resolved_at = $4,
         updated_at = $4 WHERE id = $1`,
      [id, resolution, by, at],
    );
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  private open(r: RawConflict): ConflictRow {
    const unseal = (side: Side, sealed: string): XmlNode | null =>
      JSON.parse(this.cipher.decrypt(sealed, aad(r.firm_id, r.link_id, r.guid, side))) as XmlNode | null;
    return {
      id: r.id,
      firmId: r.firm_id,
      linkId: r.link_id,
      cls: r.class,
      guid: r.guid,
      type: r.object_type,
      status: r.status,
      client: {
        companyId: r.client_company_id,
        booksUrl: r.client_books_url,
        alterId: Number(r.client_alter_id),
        node: unseal('client', r.client_version),
      },
      server: {
        companyId: r.server_company_id,
        booksUrl: r.server_books_url,
        alterId: Number(r.server_alter_id),
        node: unseal('server', r.server_version),
      },
      keyId: r.key_id,
      detectedAt: r.detected_at,
      updatedAt: r.updated_at,
      resolution: r.resolution,
      resolvedBy: r.resolved_by,
      resolvedAt: r.resolved_at,
    };
  }
}
