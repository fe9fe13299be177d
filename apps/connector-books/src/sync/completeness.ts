import type { BooksObject, MasterRef, MasterTag } from '../tally/books-objects';
import { MASTER_ORDER, parentOf, refKey, refsOf } from '../tally/books-objects';

/** What the receiver holds: its masters by type and name (Tally refers by name). */
export interface ReceiverMasters {
  hasName(tag: MasterTag, name: string): boolean;
}

/** The sender's masters by type and name, to bring along the ones the receiver lacks. */
export type SenderMasters = ReadonlyMap<string, BooksObject>;

export interface Completed {
  /** The changes and the masters they need, in import order. */
  objects: BooksObject[];
  /** GUIDs of the masters added for completeness (not changes of this window). */
  added: Set<string>;
  /** References found neither at the receiver nor at the sender (their objects will fail to import). */
  unresolved: MasterRef[];
}

/** References of the changes the receiver lacks and that do not travel with them (the sender's masters are read only then). */
export function missingRefs(changes: readonly BooksObject[], receiver: ReceiverMasters): MasterRef[] {
  const travelling = new Set(changes.filter((c) => c.tag !== 'VOUCHER').map((c) => refKey(c.tag, c.name)));
  const seen = new Set<string>();
  const out: MasterRef[] = [];
  for (const change of changes) {
    for (const ref of refsOf(change)) {
      const key = refKey(ref.tag, ref.name);
      if (seen.has(key) || travelling.has(key) || receiver.hasName(ref.tag, ref.name)) continue;
      seen.add(key);
      out.push(ref);
    }
  }
  return out;
}

/**
 * Every master a change refers to that the receiver lacks travels with it: found at the sender by name, with
 * its own references in turn (a ledger's group chain, a stock item's unit), in import order.
 */
export function complete(
  changes: readonly BooksObject[],
  receiver: ReceiverMasters,
  sender: SenderMasters,
): Completed {
  const byGuid = new Map(changes.map((c) => [c.guid, c]));
  const travelling = new Set(changes.filter((c) => c.tag !== 'VOUCHER').map((c) => refKey(c.tag, c.name)));
  const added = new Set<string>();
  const unresolved: MasterRef[] = [];
  const queue = [...changes];
  const visited = new Set<string>();
  while (queue.length) {
    const current = queue.shift() as BooksObject;
    for (const ref of refsOf(current)) {
      const key = refKey(ref.tag, ref.name);
      if (visited.has(key) || travelling.has(key) || receiver.hasName(ref.tag, ref.name)) continue;
      visited.add(key);
      const master = sender.get(key);
      if (!master || master.reserved) {
        if (!master) unresolved.push(ref);
        continue;
      }
      if (!byGuid.has(master.guid)) {
        byGuid.set(master.guid, master);
        added.add(master.guid);
      }
      travelling.add(key);
      queue.push(master);
    }
  }
  return { objects: importOrder([...byGuid.values()]), added, unresolved };
}

/**
 * Import order: masters by type (groups, currencies, units, stock items, ledgers, voucher types, cost centres),
 * groups and cost centres parents first, then vouchers; within that, oldest change first.
 */
export function importOrder(objects: readonly BooksObject[]): BooksObject[] {
  const byAlter = [...objects].sort((a, b) => a.alterId - b.alterId);
  const out: BooksObject[] = [];
  for (const tag of MASTER_ORDER) {
    const ofTag = byAlter.filter((o) => o.tag === tag);
    out.push(...(tag === 'GROUP' || tag === 'COSTCENTRE' ? parentsFirst(ofTag) : ofTag));
  }
  out.push(...byAlter.filter((o) => o.tag === 'VOUCHER'));
  return out;
}

function parentsFirst(objects: readonly BooksObject[]): BooksObject[] {
  const byName = new Map(objects.map((o) => [o.name.toLowerCase(), o]));
  const placed = new Set<BooksObject>();
  const out: BooksObject[] = [];
  const place = (o: BooksObject, path: Set<BooksObject>): void => {
    if (placed.has(o) || path.has(o)) return;
    path.add(o);
    const parent = byName.get(parentOf(o).toLowerCase());
    if (parent) place(parent, path);
    placed.add(o);
    out.push(o);
  };
  for (const o of objects) place(o, new Set());
  return out;
}

/** Index of a master export by type and name. */
export function mastersByName(objects: readonly BooksObject[]): Map<string, BooksObject> {
  return new Map(objects.filter((o) => o.tag !== 'VOUCHER').map((o) => [refKey(o.tag, o.name), o]));
}
