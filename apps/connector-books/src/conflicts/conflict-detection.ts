import type { BooksDirection } from '@practice-sync/contracts';

/** The link's two ends; `send` moves client → server, `receive` server → client. */
export type Side = 'client' | 'server';

export const senderOf = (direction: BooksDirection): Side => (direction === 'send' ? 'client' : 'server');
export const receiverOf = (direction: BooksDirection): Side => (direction === 'send' ? 'server' : 'client');

/**
 * What the link last synced of one object (per link and GUID): the content both ends then held (its hash)
 * and, per end, an ALTERID above which any later change of the object at that end lies: the sender's exported
 * ALTERID; for the receiver, the ALTERID our import gave it there, or an upper bound of it ({@link
 * receiverMark}) — or, when that could not be told, its counter read just before our import (our import is
 * then above it too, and content decides).
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

/** The receiver's counter around one import batch, and how many ALTERIDs the batch itself gave there. */
export interface ImportBatch {
  /** The receiver's LASTALTERID read just before the batch. */
  before: number;
  /** Read just after it; null when it could not be read. */
  after: number | null;
  /** The batch's own CREATED + ALTERED + DELETED (each takes one ALTERID). */
  given: number;
}

/**
 * The receiver's ALTERID to record in the base of an object an import batch applied, so that only a later
 * change of that object there counts as "altered since the last sync" (Tally's ALTERID grows when the object
 * itself is altered; a master renamed later changes how the vouchers naming it read, not their ALTERID):
 * - the batch alone moved the counter (after − before = what it gave): the counter after it;
 * - else (another import or person changed those books meanwhile) the object's own ALTERID as read back
 *   after the batch, when it holds the content we sent;
 * - else the counter before the batch (our import is above it as well, so content decides).
 */
export function receiverMark(
  batch: ImportBatch,
  sentHash: string,
  readBack: CurrentVersion | undefined,
): number {
  if (batch.after !== null && batch.after - batch.before === batch.given) return batch.after;
  if (readBack && readBack.hash === sentHash) return readBack.alterId;
  return batch.before;
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
 * - the receiver's copy changed after `since` (its own ALTERID is above it) to content other than the last
 *   synced one (or, without a base, other than the sender's): changed at both ends, a conflict. A copy whose
 *   ALTERID is not above it was not altered there, however it reads now (a master it names was renamed).
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
 * copy since the last sync (its own ALTERID above `since`, content other than the synced one): deleting it
 * there would lose that edit (a copy that only reads differently, a master it names renamed, was not edited). Otherwise the deletion is applied (without a base there is nothing to compare with).
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
