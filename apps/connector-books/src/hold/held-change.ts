import type { BooksDirection } from '@practice-sync/contracts';

import type { ObjectTag } from '../tally/books-objects';
import { refKey } from '../tally/books-objects';
import type { XmlNode } from '../tally/tally-xml';

/**
 * One change read from the sender of an on-demand link while its receiver was unreachable, as it will be
 * imported: the object (Tally's import shape), its action, and whether it was only brought along (a master a
 * held voucher or master refers to, which the receiver may already hold; decided when it is applied).
 */
export interface HeldChange {
  tag: ObjectTag;
  guid: string;
  alterId: number;
  action: 'Create' | 'Delete';
  /** Masters: the name other objects refer to it by; vouchers and deletions: ''. Sealed at rest. */
  name: string;
  /** Sealed at rest. */
  node: XmlNode;
  brought: boolean;
}

/** A held change as stored: its place in the hold (ids grow in the order changes were held). */
export interface HeldRow extends HeldChange {
  id: string;
  direction: BooksDirection;
  heldAt: Date;
}

/** The identity of a held change (what may travel and be logged): never its name or body. */
export interface HeldIdentity {
  guid: string;
  type: ObjectTag;
  direction: BooksDirection;
}

export const identityOf = (r: HeldRow): HeldIdentity => ({
  guid: r.guid,
  type: r.tag,
  direction: r.direction,
});

/**
 * Splits held rows into those still within the hold and those that expired (held `holdMs` or longer before
 * `now`). Both keep the order they were held in.
 */
export function splitExpired(
  rows: readonly HeldRow[],
  now: Date,
  holdMs: number,
): { live: HeldRow[]; expired: HeldRow[] } {
  const live: HeldRow[] = [];
  const expired: HeldRow[] = [];
  for (const r of [...rows].sort(byHoldOrder)) {
    (now.getTime() - r.heldAt.getTime() >= holdMs ? expired : live).push(r);
  }
  return { live, expired };
}

/** Held order: the row id (a bigserial, as text) grows with every change held. */
export function byHoldOrder(a: HeldRow, b: HeldRow): number {
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * What to import of the held rows, in the order they were held: masters brought along that the receiver
 * already holds by name (it took them meanwhile, or had them all along) are left out, so the completeness
 * decision is made against the receiver as it is now. Returns the rows to import and those left out (done).
 */
export function heldToApply(
  rows: readonly HeldRow[],
  receiverHas: (tag: ObjectTag, name: string) => boolean,
): { apply: HeldRow[]; skip: HeldRow[] } {
  const apply: HeldRow[] = [];
  const skip: HeldRow[] = [];
  const seen = new Set<string>();
  for (const r of [...rows].sort(byHoldOrder)) {
    if (r.brought) {
      const key = refKey(r.tag, r.name);
      if (receiverHas(r.tag, r.name) || seen.has(key)) {
        skip.push(r);
        continue;
      }
      seen.add(key);
    }
    apply.push(r);
  }
  return { apply, skip };
}

/** Held rows a newer change of the same object, applied by this job, made stale (never re-applied after it). */
export function superseded(rows: readonly HeldRow[], appliedLater: ReadonlySet<string>): HeldRow[] {
  return rows.filter((r) => appliedLater.has(r.guid));
}

/** The link's held totals: how many and the oldest's hold time (null when none). */
export interface HeldTotals {
  count: number;
  oldestAt: Date | null;
}
