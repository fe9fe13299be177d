import { CredentialCipher } from '@practice-sync/connector-kit';
import type { BooksClass, BooksDirection } from '@practice-sync/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';

import type { ObjectTag } from '../tally/books-objects';
import type { XmlNode } from '../tally/tally-xml';
import type { HeldChange, HeldRow, HeldTotals } from './held-change';

export interface HoldKey {
  linkId: string;
  cls: BooksClass;
  direction: BooksDirection;
}

/** What is sealed per row: everything from the books (names, amounts, narrations are in the node). */
const SealedBody = z.object({ name: z.string(), node: z.record(z.unknown()) });

/** The firm, link, class, direction and object bound to a sealed body: copied to another row, it does not open. */
const aadOf = (key: HoldKey, guid: string): string =>
  `books-hold|${key.linkId}|${key.cls}|${key.direction}|${guid}`;

interface Row {
  id: string;
  guid: string;
  object_type: string;
  action: string;
  alter_id: string;
  brought: boolean;
  sealed: string;
  held_at: Date;
}

/**
 * `books_held_changes`: on-demand links' changes waiting for their receiver, sealed with the kit's
 * CredentialCipher (AES-256-GCM, the connectors' keyring CREDENTIALS_KEYS / CREDENTIALS_KEY_ID; the row's
 * `key_id` says which key sealed it, for rotation). Only identities (GUID, type, ALTERID) are in the clear.
 * Rows are added and removed only in a job's fenced finishing transaction.
 */
export class HoldStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: CredentialCipher,
  ) {}

  /** The held rows of a link, class and direction, in the order they were held. */
  async pending(key: HoldKey): Promise<HeldRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT id::text AS id, guid, object_type, action, alter_id, brought, sealed, held_at
         FROM books_held_changes WHERE link_id = $1 AND class = $2 AND direction = $3 ORDER BY id`,
      [key.linkId, key.cls, key.direction],
    )) as Row[];
    return rows.map((r) => {
      const body = SealedBody.parse(JSON.parse(this.cipher.decrypt(r.sealed, aadOf(key, r.guid))));
      return {
        id: r.id,
        direction: key.direction,
        heldAt: r.held_at,
        tag: r.object_type as ObjectTag,
        guid: r.guid,
        alterId: Number(r.alter_id),
        action: r.action === 'Delete' ? 'Delete' : 'Create',
        brought: r.brought,
        name: body.name,
        node: body.node as XmlNode,
      };
    });
  }

  /** Appends changes, in the order given, behind whatever the link already holds. */
  async add(
    manager: EntityManager,
    key: HoldKey,
    job: { firmId: string; jobId: string },
    changes: readonly HeldChange[],
    heldAt: Date,
  ): Promise<void> {
    for (const c of changes) {
      const sealed = this.cipher.encrypt(JSON.stringify({ name: c.name, node: c.node }), aadOf(key, c.guid));
      await manager.query(
        `INSERT INTO books_held_changes
           (firm_id, link_id, class, direction, guid, object_type, action, alter_id, brought, key_id, sealed,
            job_id, held_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          job.firmId,
          key.linkId,
          key.cls,
          key.direction,
          c.guid,
          c.tag,
          c.action,
          c.alterId,
          c.brought,
          CredentialCipher.keyIdOf(sealed),
          sealed,
          job.jobId,
          heldAt,
        ],
      );
    }
  }

  async remove(manager: EntityManager, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.query('DELETE FROM books_held_changes WHERE id = ANY($1::bigint[])', [[...ids]]);
  }

  /**
   * Takes the link's hold for the rest of the caller's transaction (a transaction-level advisory lock;
   * taking it again in the same transaction is free). A link's jobs of different classes finish in
   * parallel and each reports the link's whole `held` total: without the turn, a masters job could count
   * the vouchers a parallel transactions job is applying, commit after it and leave the link reading
   * `offline` with nothing held. With it, the later transaction reads what the earlier one left, and its
   * result (outbox row) comes after the earlier one's.
   */
  async lockLink(manager: EntityManager, linkId: string): Promise<void> {
    await manager.query("SELECT pg_advisory_xact_lock(hashtextextended('books-hold|' || $1, 0))", [linkId]);
  }

  /** Every class and direction of the link: what it shows as `held` (its own changes, not masters brought along). */
  async totals(manager: EntityManager, linkId: string): Promise<HeldTotals> {
    const [row] = (await manager.query(
      `SELECT count(*)::int AS count, min(held_at) AS oldest FROM books_held_changes
        WHERE link_id = $1 AND NOT brought`,
      [linkId],
    )) as { count: number; oldest: Date | null }[];
    return { count: row.count, oldestAt: row.oldest };
  }
}
