import { toPortalError } from '@practice-sync/connector-kit';
import type { BooksCategory, BooksHeld, BooksJobRequested } from '@practice-sync/contracts';
import type { EntityManager } from 'typeorm';

import type { BooksServer, BooksServerClient } from '../tally/books-server.client';
import type { HeldChange, HeldIdentity, HeldRow } from './held-change';
import { identityOf, splitExpired, superseded } from './held-change';
import type { HoldClock } from './hold-clock';
import type { HoldKey, HoldStore } from './hold-store';

/** The failures that mean "the books server cannot be reached now" (not a server answering garbage). */
const UNREACHABLE = new Set(['portal_unavailable', 'timeout']);

export function isUnreachable(error: unknown): boolean {
  return UNREACHABLE.has(toPortalError(error).code);
}

/** What one direction of a job does with the hold. */
export interface DirectionHold {
  key: HoldKey;
  /** Within the hold: applied first (receiver reachable) or kept, with the new changes behind them. */
  live: HeldRow[];
  /** Older than the hold: never applied, removed and reported. */
  expired: HeldRow[];
  /** On-demand and the receiver cannot be reached: the direction holds instead of importing. */
  holding: boolean;
}

/** What a direction's result tells the hold (a subset of DirectionResult). */
export interface DirectionHoldResult {
  held: readonly HeldChange[];
  heldDone: readonly string[];
  /** Every object the direction applied (held ones and new ones). */
  appliedGuids: ReadonlySet<string>;
}

/**
 * On-demand store-and-forward (DESIGN.md "Branch sync"): per direction, before it runs, which held changes
 * are still within the hold (BOOKS_HOLD_MS on the hold clock) and whether the receiver can be reached; in the
 * job's fenced finishing transaction, the applied and expired rows leave the hold and the newly held ones
 * join it, so a crash never applies a held change twice (re-applying is IGNORED by GUID anyway) or loses one.
 * The link's finishing transactions take turns at the hold, so the `held` total each result carries is the
 * one its commit left.
 */
export class BooksHold {
  constructor(
    private readonly store: HoldStore,
    private readonly client: BooksServerClient,
    private readonly clock: HoldClock,
    readonly holdMs: number,
  ) {}

  /** The hold clock's now, read once per job: every row a job holds gets the same time. */
  now(): Promise<Date> {
    return this.clock.now();
  }

  async prepare(
    request: BooksJobRequested,
    key: HoldKey,
    receiver: BooksServer,
    now: Date,
    signal: AbortSignal,
  ): Promise<DirectionHold> {
    const { live, expired } = splitExpired(await this.store.pending(key), now, this.holdMs);
    const holding =
      request.mode === 'on_demand' && !(await this.reachable(receiver, request.category, signal));
    return { key, live, expired, holding };
  }

  /** A cheap call (the company's last ALTERID): does the books server answer at all? */
  async reachable(server: BooksServer, category: BooksCategory, signal: AbortSignal): Promise<boolean> {
    try {
      await this.client.lastAlterId(server, category, signal);
      return true;
    } catch (error) {
      if (signal.aborted) throw error;
      return !isUnreachable(error);
    }
  }

  /** In the finishing transaction: done, expired and superseded rows out, new ones in (behind the rest). */
  async persist(
    manager: EntityManager,
    hold: DirectionHold,
    result: DirectionHoldResult,
    job: { firmId: string; jobId: string },
    heldAt: Date,
  ): Promise<void> {
    await this.store.lockLink(manager, hold.key.linkId);
    const done = new Set(result.heldDone);
    const left = hold.live.filter((r) => !done.has(r.id));
    const stale = superseded(left, result.appliedGuids);
    await this.store.remove(manager, [...done, ...hold.expired.map((r) => r.id), ...stale.map((r) => r.id)]);
    await this.store.add(manager, hold.key, job, result.held, heldAt);
  }

  /** The link's held total, read in its turn (`HoldStore.lockLink`): never before a parallel job's changes land. */
  async totals(manager: EntityManager, linkId: string): Promise<BooksHeld> {
    await this.store.lockLink(manager, linkId);
    const t = await this.store.totals(manager, linkId);
    return { count: t.count, oldestAt: t.oldestAt?.toISOString() ?? null };
  }

  static expiredOf(holds: readonly DirectionHold[]): HeldIdentity[] {
    // The link's own changes (masters brought along expire with them, unreported).
    return holds.flatMap((h) => h.expired.filter((r) => !r.brought).map(identityOf));
  }
}
