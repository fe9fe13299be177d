import type { BooksCategory, BooksDirection } from '@practice-sync/contracts';
import { booksClassOf } from '@practice-sync/contracts';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { BooksObject, DeletedObject, ObjectTag } from '../tally/books-objects';
import type { BooksServer, BooksServerClient } from '../tally/books-server.client';
import type { XmlNode } from '../tally/tally-xml';
import type { CurrentVersion, ImportBatch, SyncBase } from './conflict-detection';
import {
  alterIdAt,
  judge,
  judgeDeletion,
  needsReceiver,
  receiverMark,
  receiverOf,
  receiverSince,
  senderOf,
} from './conflict-detection';
import type { ConflictsStore, QueuedConflict } from './conflicts-store';
import { contentHash } from './object-version';

/** What a direction's page of changes becomes once screened for conflicts. */
export interface Screened {
  /** To import (changed at the sender only, or new). */
  apply: BooksObject[];
  /** Settled here, the watermark may pass them: unchanged since the last sync, or queued as conflicts. */
  settled: BooksObject[];
  /** Objects this job met in conflict for the first time (each counted once per job). */
  conflicts: number;
  /** Objects the receiver already holds as the sender has them (counted as Tally counts them: unchanged). */
  unchanged: number;
}

/** An object the receiver now holds as it was sent (or deleted). */
export interface AppliedVersion {
  guid: string;
  tag: ObjectTag;
  node: XmlNode;
  alterId: number;
  action: 'Create' | 'Delete';
}

/** DirectionSync's seam into the conflict queue (one per direction of a job). */
export interface DirectionGate {
  screen(changes: BooksObject[], signal: AbortSignal): Promise<Screened>;
  /** The sender's deletions: those of objects the receiver altered since the last sync are queued. */
  screenDeletions(
    deletions: DeletedObject[],
    signal: AbortSignal,
  ): Promise<{ apply: DeletedObject[]; settled: DeletedObject[]; conflicts: number }>;
  /** An object in conflict (queued, or met in this job): nothing may alter it at either end until resolved. */
  frozen(guid: string): boolean;
  /**
   * What one import batch applied, `before` the receiver's counter read just before it and `given` the
   * ALTERIDs the batch took there (its CREATED + ALTERED + DELETED): the new sync bases.
   */
  applied(
    objects: readonly AppliedVersion[],
    batch: Omit<ImportBatch, 'after'>,
    signal: AbortSignal,
  ): Promise<void>;
}

interface JobScope {
  firmId: string;
  linkId: string;
  jobId: string;
  category: BooksCategory;
  client: BooksServer;
  server: BooksServer;
}

/**
 * The conflict bookkeeping of one books job: the sync bases it reads and updates, the conflicts it queues or
 * refreshes (one open conflict per link and GUID; a queued object is frozen until a person resolves it, and
 * newer versions from either end refresh the queued ones). Written in the job's finishing transaction.
 */
export class JobConflicts {
  private readonly bases = new Map<string, { type: string; base: SyncBase }>();
  private readonly dropped = new Set<string>();
  private readonly queued = new Map<string, QueuedConflict>();

  private constructor(
    private readonly store: ConflictsStore,
    private readonly client: BooksServerClient,
    private readonly scope: JobScope,
    private readonly open: ReadonlyMap<string, string>,
  ) {}

  static async start(
    store: ConflictsStore,
    client: BooksServerClient,
    scope: JobScope,
  ): Promise<JobConflicts> {
    return new JobConflicts(store, client, scope, await store.openOf(scope.linkId));
  }

  /** The conflicts this job met (new or refreshed), by id. */
  get ids(): string[] {
    return [...this.queued.values()].map((c) => c.id);
  }

  /**
   * The gate of one direction. `oppositeWatermark`: the other direction's watermark when the rules move the
   * class that way too (for objects the link never synced itself), else null.
   */
  direction(direction: BooksDirection, oppositeWatermark: number | null): DirectionGate {
    const senderSide = senderOf(direction);
    const receiverSide = receiverOf(direction);
    const receiver = this.scope[receiverSide];
    const masters = booksClassOf(this.scope.category) === 'masters';
    // The receiver's vouchers read so far in this direction (ALTERIDs after `covered`), shared by its pages.
    let covered: number | null = null;
    const receiverVouchers = new Map<string, BooksObject>();
    const frozen = (guid: string): boolean => this.open.has(guid) || this.queued.has(guid);

    const readReceiver = async (
      since: ReadonlyMap<string, number>,
      signal: AbortSignal,
    ): Promise<Map<string, CurrentVersion & { node: XmlNode }>> => {
      const out = new Map<string, CurrentVersion & { node: XmlNode }>();
      if (!since.size) return out;
      let objects: BooksObject[];
      if (masters) {
        objects = await this.client.masters(receiver, this.scope.category, signal);
      } else {
        // Only what the receiver changed after the oldest threshold (its vouchers are not all read), once per
        // direction: a later page reads only the part of the receiver's window not read yet.
        const after = Math.min(...since.values());
        if (covered === null || after < covered) {
          const upTo = covered ?? (await this.client.lastAlterId(receiver, this.scope.category, signal));
          if (upTo > after) {
            const window = { after, upTo };
            for (const o of await this.client.changed(
              receiver,
              this.scope.category,
              'Voucher',
              window,
              signal,
            ))
              if (!receiverVouchers.has(o.guid)) receiverVouchers.set(o.guid, o);
          }
          covered = after;
        }
        objects = [...since.keys()].flatMap((g) => receiverVouchers.get(g) ?? []);
      }
      for (const o of objects) {
        if (since.has(o.guid))
          out.set(o.guid, { alterId: o.alterId, hash: contentHash(o.node), node: o.node });
      }
      return out;
    };

    /** Queues (or refreshes) the object's conflict with the versions seen; true when new to this job. */
    const queue = (
      object: { guid: string; tag: ObjectTag },
      sent: { node: XmlNode | null; alterId: number },
      theirs: { node: XmlNode; alterId: number } | undefined,
    ): boolean => {
      let conflict = this.queued.get(object.guid);
      const first = !conflict;
      if (!conflict) {
        const openId = this.open.get(object.guid);
        conflict = {
          id: openId ?? uuidv7(),
          existing: openId !== undefined,
          guid: object.guid,
          type: object.tag,
          cls: booksClassOf(this.scope.category),
          client: this.scope.client,
          server: this.scope.server,
          versions: {},
        };
        this.queued.set(object.guid, conflict);
      }
      conflict.versions[senderSide] = sent;
      if (theirs) conflict.versions[receiverSide] = { node: theirs.node, alterId: theirs.alterId };
      return first;
    };

    /**
     * The receiver's ALTERID to record per object after an import batch ({@link receiverMark}): its counter
     * after the batch, and when others changed those books meanwhile, the batch's window read back. A read
     * that fails leaves the counter before the batch (content decides then).
     */
    const marksAfter = async (
      objects: readonly AppliedVersion[],
      counters: Omit<ImportBatch, 'after'>,
      signal: AbortSignal,
    ): Promise<(object: AppliedVersion) => number> => {
      const batch: ImportBatch = { ...counters, after: null };
      const readBack = new Map<string, CurrentVersion>();
      try {
        const after = await this.client.lastAlterId(receiver, this.scope.category, signal);
        batch.after = after;
        if (after - batch.before !== batch.given && after > batch.before) {
          const type = masters ? 'All Masters' : 'Voucher';
          const window = { after: batch.before, upTo: after };
          const wanted = new Set(objects.map((o) => o.guid));
          for (const o of await this.client.changed(receiver, this.scope.category, type, window, signal))
            if (wanted.has(o.guid)) readBack.set(o.guid, { alterId: o.alterId, hash: contentHash(o.node) });
        }
      } catch (error) {
        if (signal.aborted) throw error;
      }
      return (o) => receiverMark(batch, contentHash(o.node), readBack.get(o.guid));
    };

    return {
      frozen,
      screen: async (changes, signal) => {
        const screened: Screened = { apply: [], settled: [], conflicts: 0, unchanged: 0 };
        if (!changes.length) return screened;
        const stored = await this.store.bases(
          this.scope.linkId,
          changes.map((c) => c.guid).filter((g) => !this.bases.has(g) && !this.dropped.has(g)),
        );
        const baseOf = (guid: string): SyncBase | undefined =>
          this.dropped.has(guid) ? undefined : (this.bases.get(guid)?.base ?? stored.get(guid));
        const hashes = new Map(changes.map((c) => [c.guid, contentHash(c.node)]));
        const since = new Map<string, number>();
        for (const c of changes) {
          const base = baseOf(c.guid);
          if (!needsReceiver(hashes.get(c.guid) as string, base, frozen(c.guid))) continue;
          const from = receiverSince(base, receiverSide, oppositeWatermark);
          if (from !== null) since.set(c.guid, from);
        }
        const current = await readReceiver(since, signal);
        for (const c of changes) {
          const verdict = judge({
            senderHash: hashes.get(c.guid) as string,
            base: baseOf(c.guid),
            queued: frozen(c.guid),
            receiver: current.get(c.guid),
            since: since.get(c.guid) ?? null,
          });
          if (verdict === 'apply') {
            screened.apply.push(c);
            continue;
          }
          screened.settled.push(c);
          if (verdict === 'unchanged') {
            screened.unchanged += 1;
            continue;
          }
          if (queue(c, { node: c.node, alterId: c.alterId }, current.get(c.guid))) screened.conflicts += 1;
        }
        return screened;
      },
      screenDeletions: async (deletions, signal) => {
        const screened = { apply: [] as DeletedObject[], settled: [] as DeletedObject[], conflicts: 0 };
        const stored = await this.store.bases(
          this.scope.linkId,
          deletions.map((d) => d.guid).filter((g) => !this.bases.has(g) && !this.dropped.has(g)),
        );
        const baseOf = (guid: string): SyncBase | undefined =>
          this.dropped.has(guid) ? undefined : (this.bases.get(guid)?.base ?? stored.get(guid));
        const since = new Map<string, number>();
        for (const d of deletions) {
          const base = baseOf(d.guid);
          if (base && !frozen(d.guid)) since.set(d.guid, alterIdAt(base, receiverSide));
        }
        const current = await readReceiver(since, signal);
        for (const d of deletions) {
          const verdict = judgeDeletion({
            base: baseOf(d.guid),
            queued: frozen(d.guid),
            receiver: current.get(d.guid),
            since: since.get(d.guid) ?? null,
          });
          if (verdict === 'apply') {
            screened.apply.push(d);
            continue;
          }
          screened.settled.push(d);
          if (queue(d, { node: null, alterId: d.alterId }, current.get(d.guid))) screened.conflicts += 1;
        }
        return screened;
      },
      applied: async (objects, counters, signal) => {
        const kept = objects.filter((o) => o.action !== 'Delete');
        const markOf = kept.length ? await marksAfter(kept, counters, signal) : () => counters.before;
        for (const o of objects) {
          if (o.action === 'Delete') {
            this.bases.delete(o.guid);
            this.dropped.add(o.guid);
            continue;
          }
          this.dropped.delete(o.guid);
          const ids = { sender: o.alterId, receiver: markOf(o) };
          this.bases.set(o.guid, {
            type: o.tag,
            base: {
              hash: contentHash(o.node),
              clientAlterId: senderSide === 'client' ? ids.sender : ids.receiver,
              serverAlterId: senderSide === 'server' ? ids.sender : ids.receiver,
            },
          });
        }
      },
    };
  }

  /** In the job's finishing transaction (fenced by its claim). */
  async persist(manager: EntityManager, at: Date): Promise<void> {
    const { firmId, linkId, jobId } = this.scope;
    await this.store.saveBases(manager, linkId, this.bases, at);
    await this.store.dropBases(manager, linkId, [...this.dropped]);
    await this.store.queue(manager, { firmId, linkId, jobId }, [...this.queued.values()], at);
  }
}
