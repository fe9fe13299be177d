import { XMLParser, XMLValidator } from 'fast-xml-parser';

import type { ImportAction, LedgerEntry, MasterFields, ObjectInput, ObjectType } from './books.types';
import { isMasterType, isObjectType } from './books.types';
import type { AlterWindow } from './books-company';

/** What an export asks for: one object type, all masters, the sandbox's deleted objects, or the company. */
export type ExportTarget = ObjectType | 'ALLMASTERS' | 'DELETED' | 'COMPANY';

export type ImportItem = { action: ImportAction; input: ObjectInput } | { error: string; guid?: string };

export type BooksRequest =
  | { kind: 'export'; id: string; target: ExportTarget | null; window: AlterWindow; company?: string }
  | { kind: 'import'; id: string; items: ImportItem[]; company?: string }
  | { kind: 'unknown' };

/** Repeated tags (lists and the objects inside a TALLYMESSAGE) always parse as arrays. */
const ARRAYS = new Set([
  'TALLYMESSAGE',
  'ALLLEDGERENTRIES.LIST',
  'LEDGERENTRIES.LIST',
  'ALLINVENTORYENTRIES.LIST',
  'INVENTORYENTRIES.LIST',
  'CATEGORYALLOCATIONS.LIST',
  'COSTCENTREALLOCATIONS.LIST',
  'COLLECTION',
  'SYSTEM',
  'NAME',
  'GROUP',
  'LEDGER',
  'STOCKITEM',
  'UNIT',
  'CURRENCY',
  'VOUCHERTYPE',
  'COSTCENTRE',
  'VOUCHER',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => ARRAYS.has(name),
  // Paths are not needed (isArray goes by tag name); building them doubles the parse time.
  jPath: false,
});

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const node = (value: unknown): Node => (isNode(value) ? value : {});
const list = (value: unknown): Node[] =>
  Array.isArray(value) ? value.filter(isNode) : isNode(value) ? [value] : [];

/** A tag's text whether or not it carries attributes (`<ID TYPE="Collection">X</ID>`). */
export function text(value: unknown): string | undefined {
  if (Array.isArray(value)) return text(value[0]);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isNode(value) && '#text' in value) return text(value['#text']);
  if (isNode(value)) return '';
  return undefined;
}

/** `Stock Item`, `StockItem`, `STOCKITEM` → STOCKITEM; sandbox and Tally collection names → targets. */
export function targetOf(name: string): ExportTarget | null {
  const flat = name.replace(/[\s_-]/g, '').toUpperCase();
  if (flat === 'ALLMASTERS') return 'ALLMASTERS';
  if (flat === 'DELETEDOBJECTS' || flat === 'DELETEDOBJECT') return 'DELETED';
  if (flat === 'COMPANY') return 'COMPANY';
  if (flat === 'VOUCHERS') return 'VOUCHER';
  const singular = flat.endsWith('S') && isObjectType(flat.slice(0, -1)) ? flat.slice(0, -1) : flat;
  return isObjectType(singular) ? singular : null;
}

const TERM = /\$ALTERID\s*(>=|<=|>|<|=)\s*(\d+)/gi;

/** The ALTERID window of TDL filter formulae such as `$AlterID > 100 AND $AlterID <= 600`. */
export function windowOf(formulae: string[]): AlterWindow {
  const window: AlterWindow = { after: 0 };
  const upTo = (n: number): void => {
    window.upTo = window.upTo === undefined ? n : Math.min(window.upTo, n);
  };
  for (const formula of formulae) {
    for (const [, op, digits] of formula.matchAll(TERM)) {
      const n = Number(digits);
      if (op === '>') window.after = Math.max(window.after, n);
      if (op === '>=' || op === '=') window.after = Math.max(window.after, n - 1);
      if (op === '<=' || op === '=') upTo(n);
      if (op === '<') upTo(n - 1);
    }
  }
  return window;
}

/** Parses a request envelope; anything that is not well-formed Tally XML is `unknown`. */
export function parseBooksRequest(xml: string): BooksRequest {
  if (!xml.trim() || XMLValidator.validate(xml) !== true) return { kind: 'unknown' };
  const envelope = node(parser.parse(xml).ENVELOPE);
  const header = node(envelope.HEADER);
  const body = node(envelope.BODY);
  const request = (text(header.TALLYREQUEST) ?? '').trim().toLowerCase();
  const legacy = node(request.startsWith('import') ? body.IMPORTDATA : body.EXPORTDATA);
  const desc = node(legacy.REQUESTDESC ?? body.DESC);
  const id = (text(header.ID) ?? text(desc.REPORTNAME) ?? '').trim();
  const company = text(node(desc.STATICVARIABLES).SVCURRENTCOMPANY)?.trim() || undefined;
  if (request === 'export' || request === 'export data') return exportRequest(id, desc, company);
  if (request === 'import' || request === 'import data') {
    const data = node(legacy.REQUESTDATA ?? body.DATA);
    const items = list(data.TALLYMESSAGE).flatMap(messageItems);
    return { kind: 'import', id, items, company };
  }
  return { kind: 'unknown' };
}

function exportRequest(id: string, desc: Node, company: string | undefined): BooksRequest {
  const tdl = node(node(desc.TDL).TDLMESSAGE);
  const collection = list(tdl.COLLECTION).find(
    (c) => (text(c['@_NAME']) ?? '').toLowerCase() === id.toLowerCase(),
  );
  const type = collection ? (text(collection.TYPE) ?? '') : id;
  const filters = new Set(
    (collection ? [collection.FILTER, collection.FILTERS].flatMap((f) => (Array.isArray(f) ? f : [f])) : [])
      .map((f) => text(f))
      .flatMap((f) => (f ?? '').split(','))
      .map((f) => f.trim().toLowerCase())
      .filter(Boolean),
  );
  const formulae = list(tdl.SYSTEM)
    .filter((s) => filters.has((text(s['@_NAME']) ?? '').toLowerCase()))
    .map((s) => text(s) ?? '');
  return { kind: 'export', id, target: targetOf(type), window: windowOf(formulae), company };
}

function messageItems(message: Node): ImportItem[] {
  const items: ImportItem[] = [];
  for (const [tag, value] of Object.entries(message)) {
    if (tag.startsWith('@_')) continue;
    for (const object of list(value)) items.push(objectItem(tag, object));
  }
  return items;
}

const ACTIONS: Record<string, ImportAction> = { create: 'Create', alter: 'Alter', delete: 'Delete' };

function objectItem(tag: string, o: Node): ImportItem {
  const guid = (text(o.GUID) || text(o['@_REMOTEID']) || '').trim() || undefined;
  const action = ACTIONS[(text(o['@_ACTION']) ?? 'Create').trim().toLowerCase() || 'create'];
  if (!action) return { error: `Unknown ACTION '${text(o['@_ACTION'])}'!`, guid };
  const type = tag.toUpperCase();
  if (type === 'VOUCHER') return voucherItem(action, guid, o);
  if (!isMasterType(type)) return { error: `Unknown object '${tag}'!`, guid };
  const names = node(node(o['LANGUAGENAME.LIST'])['NAME.LIST'] ?? o['NAME.LIST']).NAME;
  const name = (text(names) || text(o['@_NAME']) || '').trim();
  return { action, input: { type, guid, name, fields: masterFields(type, o) } };
}

function num(value: unknown): number | undefined {
  const t = text(value)?.trim();
  if (t === undefined || t === '') return undefined;
  const n = Number.parseFloat(t.replace(/,/g, ''));
  return Number.isFinite(n) ? n : undefined;
}

function str(value: unknown): string | undefined {
  const t = text(value)?.trim();
  return t === undefined || t === '' ? undefined : t;
}

function masterFields(type: string, o: Node): MasterFields {
  const fields: MasterFields = {
    parent: str(o.PARENT),
    gstin: str(o.PARTYGSTIN) ?? str(o.GSTIN),
    currency: str(o.CURRENCYNAME),
    openingBalance: num(o.OPENINGBALANCE),
    state: str(o.LEDSTATENAME),
    formalName: type === 'CURRENCY' ? str(o.EXPANDEDSYMBOL) : str(o.ORIGINALNAME),
    decimals: num(o.DECIMALPLACES),
    baseUnits: str(o.BASEUNITS),
    hsn: str(o.HSNCODE),
    gstRate: num(o.GSTRATE),
    numbering: str(o.NUMBERINGMETHOD),
  };
  if (type === 'GROUP' || type === 'COSTCENTRE' || type === 'VOUCHERTYPE') fields.parent ??= '';
  for (const key of Object.keys(fields) as (keyof MasterFields)[])
    if (fields[key] === undefined) delete fields[key];
  return fields;
}

function voucherItem(action: ImportAction, guid: string | undefined, o: Node): ImportItem {
  const ledgerEntries: LedgerEntry[] = [];
  for (const e of [...list(o['ALLLEDGERENTRIES.LIST']), ...list(o['LEDGERENTRIES.LIST'])]) {
    const amount = num(e.AMOUNT);
    const ledger = str(e.LEDGERNAME) ?? '';
    if (amount === undefined) return { error: `Ledger '${ledger}': Amount is missing or invalid!`, guid };
    const costCentres = list(e['CATEGORYALLOCATIONS.LIST'])
      .flatMap((c) => list(c['COSTCENTREALLOCATIONS.LIST']))
      .map((c) => ({ costCentre: str(c.NAME) ?? '', amount: num(c.AMOUNT) ?? 0 }));
    ledgerEntries.push(costCentres.length > 0 ? { ledger, amount, costCentres } : { ledger, amount });
  }
  const inventoryEntries = [...list(o['ALLINVENTORYENTRIES.LIST']), ...list(o['INVENTORYENTRIES.LIST'])].map(
    (e) => ({
      stockItem: str(e.STOCKITEMNAME) ?? '',
      rate: num(e.RATE) ?? 0,
      quantity: num(e.ACTUALQTY) ?? num(e.BILLEDQTY) ?? 0,
      amount: num(e.AMOUNT) ?? 0,
    }),
  );
  const fields = {
    voucherType: str(o.VOUCHERTYPENAME) ?? str(o['@_VCHTYPE']) ?? '',
    date: str(o.DATE) ?? str(o['@_DATE']) ?? '',
    voucherNumber: str(o.VOUCHERNUMBER) ?? '',
    narration: str(o.NARRATION),
    partyLedger: str(o.PARTYLEDGERNAME),
    ledgerEntries,
    inventoryEntries,
  };
  if (fields.narration === undefined) delete fields.narration;
  if (fields.partyLedger === undefined) delete fields.partyLedger;
  return { action, input: { type: 'VOUCHER', guid, fields } };
}
