import type { XmlNode } from './tally-xml';
import { node, nodes, text } from './tally-xml';

/** Master types in the order an import needs them (a master refers only to masters before it). */
export const MASTER_ORDER = [
  'GROUP',
  'CURRENCY',
  'UNIT',
  'STOCKITEM',
  'LEDGER',
  'VOUCHERTYPE',
  'COSTCENTRE',
] as const;
export type MasterTag = (typeof MASTER_ORDER)[number];
export type ObjectTag = MasterTag | 'VOUCHER';

export const isMasterTag = (tag: string): tag is MasterTag =>
  (MASTER_ORDER as readonly string[]).includes(tag);

/** One object exported from a books server, in Tally's import shape. */
export interface BooksObject {
  tag: ObjectTag;
  guid: string;
  alterId: number;
  /** Masters: the name (what other objects refer to it by). Vouchers: ''. */
  name: string;
  /** A predefined group every company holds (never sent). */
  reserved: boolean;
  node: XmlNode;
}

/** A deletion (the sandbox's `Deleted Objects`; Tally exports none). */
export interface DeletedObject {
  tag: ObjectTag;
  guid: string;
  alterId: number;
}

/** A reference from one object to a master, by type and name (Tally refers by name). */
export interface MasterRef {
  tag: MasterTag;
  name: string;
}

export const refKey = (tag: string, name: string): string => `${tag}|${name.trim().toLowerCase()}`;

/** The objects of an export's COLLECTION (any mix of master and voucher tags). */
export function objectsOf(collection: XmlNode): BooksObject[] {
  const out: BooksObject[] = [];
  for (const tag of [...MASTER_ORDER, 'VOUCHER'] as const) {
    for (const n of nodes(collection[tag])) {
      out.push({
        tag,
        guid: text(n.GUID) || text(n['@_REMOTEID']),
        alterId: Number(text(n.ALTERID)) || 0,
        name: tag === 'VOUCHER' ? '' : text(n['@_NAME']),
        reserved: text(n['@_RESERVEDNAME']) !== '',
        node: n,
      });
    }
  }
  return out;
}

export function deletionsOf(collection: XmlNode): DeletedObject[] {
  return nodes(collection.DELETEDOBJECT).flatMap((n) => {
    const tag = text(n.OBJECTTYPE).toUpperCase();
    if (tag !== 'VOUCHER' && !isMasterTag(tag)) return [];
    return [{ tag, guid: text(n.GUID), alterId: Number(text(n.ALTERID)) || 0 }];
  });
}

const isTop = (parent: string): boolean => parent === '' || parent.toLowerCase() === 'primary';

/** The masters an object refers to: its parent group, currency, units, ledgers, stock items, cost centres. */
export function refsOf(o: BooksObject): MasterRef[] {
  const n = o.node;
  const refs: MasterRef[] = [];
  const add = (tag: MasterTag, name: string): void => {
    if (name.trim()) refs.push({ tag, name: name.trim() });
  };
  switch (o.tag) {
    case 'GROUP':
    case 'COSTCENTRE':
      if (!isTop(text(n.PARENT))) add(o.tag, text(n.PARENT));
      break;
    case 'LEDGER':
      if (!isTop(text(n.PARENT))) add('GROUP', text(n.PARENT));
      add('CURRENCY', text(n.CURRENCYNAME));
      break;
    case 'STOCKITEM':
      add('UNIT', text(n.BASEUNITS));
      break;
    case 'VOUCHER':
      add('VOUCHERTYPE', text(n.VOUCHERTYPENAME));
      add('LEDGER', text(n.PARTYLEDGERNAME));
      for (const entry of nodes(n['ALLLEDGERENTRIES.LIST'])) {
        add('LEDGER', text(entry.LEDGERNAME));
        for (const category of nodes(entry['CATEGORYALLOCATIONS.LIST'])) {
          for (const cc of nodes(category['COSTCENTREALLOCATIONS.LIST'])) add('COSTCENTRE', text(cc.NAME));
        }
      }
      for (const entry of nodes(n['ALLINVENTORYENTRIES.LIST'])) add('STOCKITEM', text(entry.STOCKITEMNAME));
      break;
    default:
      break;
  }
  return refs;
}

/** A voucher's type name and date (`YYYYMMDD`), for rule filters. */
export function voucherFacts(o: BooksObject): { type: string; date: string } {
  return { type: text(o.node.VOUCHERTYPENAME), date: text(o.node.DATE) };
}

/** The parent of a group or cost centre (for parents-first order), '' at the top. */
export function parentOf(o: BooksObject): string {
  const parent = text(node(o.node).PARENT);
  return isTop(parent) ? '' : parent;
}
