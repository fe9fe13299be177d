import type { BooksDirection } from '@practice-sync/contracts';

/** The link's two ends; `send` moves client → server, `receive` server → client. */
export type Side = 'client' | 'server';

export const senderOf = (direction: BooksDirection): Side => (direction === 'send' ? 'client' : 'server');
export const receiverOf = (direction: BooksDirection): Side => (direction === 'send' ? 'server' : 'client');

/**
 * What the link last synced of one object (per link and GUID): the content both ends then held (its hash)
 * and, per end, an ALTERID at or above which any later change of that end lies (the sender's exported
 * ALTERID; for the receiver, its counter read just before our import, so our import and anything after it
 * are above it).
 */
export interface SyncBase {
  hash: string;
  clientAlterId: number;
  serverAlterId: number;
}

export const alterIdAt = (base: SyncBase, side: Side): number =>
  side === 'client' ? base.clientAlterId : base.serverAlterId;

/** One end's current copy of an object, as its books exported it. */
export interface CurrentVersion {
  alterId: number;
  hash: string;
}

/**
 * From which ALTERID of the receiver a change of this object there counts as "since the last sync": the
 * base's, or, for an object the link never synced itself (both ends held it before: a snapshot, part 1), the
 * opposite direction's watermark (what the receiver changed after it has not reached the sender). Null: the
 * receiver's copy is not looked at (no base and no opposite direction: applied as before).
 */
export function receiverSince(
  base: SyncBase | undefined,
  receiver: Side,
  oppositeWatermark: number | null,
): number | null {
  return base ? alterIdAt(base, receiver) : oppositeWatermark;
}

export type Verdict =
  /** Changed at the sender only (or new): import it. */
  | 'apply'
  /** Not changed at the sender since the last sync (our own import's echo, or a change undone): skip it. */
  | 'unchanged'
  /** Changed at both ends since the last sync, or already waiting in the queue: queue, apply nowhere. */
  | 'conflict';

/** Whether the sender's change needs the receiver's copy to be judged (before {@link judge}). */
export function needsReceiver(senderHash: string, base: SyncBase | undefined, queued: boolean): boolean {
  if (queued) return false;
  return !base || base.hash !== senderHash;
}

/**
 * The verdict on one object the sender changed (its ALTERID is above the direction's watermark).
 * - queued (an open conflict for the link and GUID, or met earlier in this job): it stays frozen until a
 *   person resolves it; the sender's newer version refreshes the queued one.
 * - the sender's content is the last synced content: unchanged (an echo of our import raised its ALTERID).
 * - the receiver's copy changed after `since` (its ALTERID is above it) to content other than the last synced
 *   one (or, without a base, other than the sender's): changed at both ends, a conflict.
 * - otherwise apply (changed at the sender only; the receiver lacks it; or nothing to compare with).
 */
export function judge(input: {
  senderHash: string;
  base: SyncBase | undefined;
  queued: boolean;
  receiver: CurrentVersion | undefined;
  since: number | null;
}): Verdict {
  const { senderHash, base, queued, receiver, since } = input;
  if (queued) return 'conflict';
  if (base && base.hash === senderHash) return 'unchanged';
  if (!receiver || since === null || receiver.alterId <= since) return 'apply';
  const synced = base ? base.hash : senderHash;
  if (receiver.hash === synced || receiver.hash === senderHash) return 'apply';
  return 'conflict';
}

/**
 * The verdict on an object the sender deleted: a conflict when it is queued, or when the receiver altered its
 * copy since the last sync (its ALTERID above `since`, content other than the synced one): deleting it there
 * would lose that edit. Otherwise the deletion is applied (without a base there is nothing to compare with).
 */
export function judgeDeletion(input: {
  base: SyncBase | undefined;
  queued: boolean;
  receiver: CurrentVersion | undefined;
  since: number | null;
}): Exclude<Verdict, 'unchanged'> {
  const { base, queued, receiver, since } = input;
  if (queued) return 'conflict';
  if (!base || !receiver || since === null || receiver.alterId <= since) return 'apply';
  return receiver.hash === base.hash ? 'apply' : 'conflict';
}
