import { sha256Hex } from './checksum';
import type { Gstr2bDocument, Gstr2bInvoice } from './gstr2b.generator';
import { generateGstr2b, invoiceCount } from './gstr2b.generator';
import { rngFor } from './prng';

/**
 * GSTR-1, GSTR-1A and GSTR-2A sections in the GSTR-1 field names (portals.md). Sales reuse the 2B generator
 * under another namespace of the seed, so they are as deterministic and sized alike; 2A reuses the 2B itself
 * (the same supplier invoices, seen through another form).
 */
export const GSTR1_SECTIONS = [
  'B2B',
  'B2BA',
  'B2CL',
  'B2CS',
  'CDNR',
  'CDNUR',
  'EXP',
  'NIL',
  'AT',
  'TXP',
  'HSNSUM',
  'DOCISS',
  'RETSUM',
] as const;
export const GSTR2A_SECTIONS = ['B2B', 'B2BA', 'CDN', 'CDNA', 'ISD', 'IMPG', 'IMPGSEZ'] as const;

export interface ItemDetail {
  num: number;
  itm_det: { rt: number; txval: number; iamt: number; camt: number; samt: number; csamt: number };
}
export interface Gstr1Invoice {
  chksum: string;
  inum: string;
  idt: string;
  val: number;
  pos: string;
  rchrg: 'Y' | 'N';
  inv_typ: string;
  itms: ItemDetail[];
}
export interface Gstr1B2bEntry {
  ctin: string;
  cfs: 'Y' | 'N';
  inv: Gstr1Invoice[];
}

const salesSeed = (worldSeed: string): string => `${worldSeed}|sales`;

export function salesCount(worldSeed: string, gstin: string, rtnprd: string): number {
  return invoiceCount(salesSeed(worldSeed), gstin, rtnprd);
}

export function salesDocument(worldSeed: string, gstin: string, rtnprd: string): Gstr2bDocument {
  return generateGstr2b(salesSeed(worldSeed), gstin, rtnprd);
}

function toGstr1Invoice(inv: Gstr2bInvoice, pos: string): Gstr1Invoice {
  const itms = inv.items.map((i) => ({
    num: i.num,
    itm_det: { rt: i.rt, txval: i.txval, iamt: i.igst, camt: i.cgst, samt: i.sgst, csamt: i.cess },
  }));
  const body = { inum: inv.inum, idt: inv.dt, val: inv.val, pos, rchrg: inv.rev, inv_typ: inv.typ, itms };
  return { chksum: sha256Hex(JSON.stringify(body)), ...body };
}

/** b2bEntries per cached document (world.service keeps documents in an LRU; entries go with them). */
const entriesOf = new WeakMap<Gstr2bDocument, Map<boolean, Gstr1B2bEntry[]>>();

/**
 * `b2b[{ctin, cfs, inv[…]}]` of a document; `counterpartyPos` says whose state is the place of supply.
 * Memoised per document: B2B, CDNR and RETSUM of one period all build on it. Callers must not mutate it.
 */
export function b2bEntries(doc: Gstr2bDocument, counterpartyPos: boolean): Gstr1B2bEntry[] {
  const memo = entriesOf.get(doc) ?? new Map<boolean, Gstr1B2bEntry[]>();
  entriesOf.set(doc, memo);
  const known = memo.get(counterpartyPos);
  if (known) return known;
  const built = buildB2bEntries(doc, counterpartyPos);
  memo.set(counterpartyPos, built);
  return built;
}

function buildB2bEntries(doc: Gstr2bDocument, counterpartyPos: boolean): Gstr1B2bEntry[] {
  const entries = new Map<number, Gstr1B2bEntry>();
  for (const { supplier, inv } of doc.invoices) {
    const party = doc.suppliers[supplier];
    const entry = entries.get(supplier) ?? { ctin: party.ctin, cfs: 'Y', inv: [] };
    entries.set(supplier, entry);
    entry.inv.push(toGstr1Invoice(inv, counterpartyPos ? party.ctin.slice(0, 2) : inv.pos));
  }
  return [...entries.values()];
}

export const invoicesIn = (entries: { inv: unknown[] }[]): number =>
  entries.reduce((n, e) => n + e.inv.length, 0);

/** Credit notes: about one invoice in twenty is later reduced by a note. */
function creditNotes(doc: Gstr2bDocument, key: string) {
  const rng = rngFor(key, 'cdnr');
  return b2bEntries(doc, true)
    .map((e) => ({
      ctin: e.ctin,
      cfs: e.cfs,
      nt: e.inv
        .filter(() => rng.chance(0.05))
        .map((inv, i) => ({ ...inv, ntty: 'C', nt_num: `CN-${inv.inum}-${i + 1}`, nt_dt: inv.idt })),
    }))
    .filter((e) => e.nt.length > 0);
}

function hsnSummary(doc: Gstr2bDocument) {
  const rows = new Map<number, { txval: number; iamt: number; camt: number; samt: number }>();
  for (const { inv } of doc.invoices)
    for (const i of inv.items) {
      const row = rows.get(i.rt) ?? { txval: 0, iamt: 0, camt: 0, samt: 0 };
      rows.set(i.rt, {
        txval: row.txval + i.txval,
        iamt: row.iamt + i.igst,
        camt: row.camt + i.cgst,
        samt: row.samt + i.sgst,
      });
    }
  const r2 = (n: number) => Math.round(n * 100) / 100;
  return {
    data: [...rows].map(([rt, t], n) => ({
      num: n + 1,
      hsn_sc: String(7200 + rt * 11),
      uqc: 'NOS',
      rt,
      txval: r2(t.txval),
      iamt: r2(t.iamt),
      camt: r2(t.camt),
      samt: r2(t.samt),
      csamt: 0,
    })),
  };
}

/**
 * One GSTR-1 section of `doc` (the sales of the period), or null when the section holds nothing (the portal
 * then answers a "no data" code). Sections a small business rarely uses are empty.
 */
export function gstr1Section(doc: Gstr2bDocument, section: string): unknown {
  if (doc.invoices.length === 0) return null;
  const key = `${doc.gstin}|${doc.rtnprd}`;
  switch (section) {
    case 'B2B':
      return { b2b: b2bEntries(doc, true) };
    case 'CDNR': {
      const cdnr = creditNotes(doc, key);
      return cdnr.length > 0 ? { cdnr } : null;
    }
    case 'HSNSUM':
      return { hsn: hsnSummary(doc) };
    case 'DOCISS':
      return { doc_issue: { doc_det: [{ doc_num: 1, docs: [docRange(doc)] }] } };
    case 'RETSUM':
      return returnSummary(doc, (section) => gstr1Section(doc, section));
    default:
      return null;
  }
}

/** The summary's name of a section where GSTN's differs from the read's action (HSN, DOC_ISSUE, TXPD). */
const SUMMARY_NAME: Record<string, string> = { HSNSUM: 'HSN', DOCISS: 'DOC_ISSUE', TXP: 'TXPD' };

/** How many records a section's answer holds: invoices, notes, HSN lines or document ranges. */
function recordsIn(data: Record<string, unknown>): number {
  const [value] = Object.values(data);
  if (Array.isArray(value)) {
    return value.reduce<number>(
      (n, e: { inv?: unknown[]; nt?: unknown[] }) => n + (e.inv ?? e.nt ?? [e]).length,
      0,
    );
  }
  const inner = value as { data?: unknown[]; doc_det?: { docs: unknown[] }[] };
  if (inner.data) return inner.data.length;
  return (inner.doc_det ?? []).reduce((n, d) => n + d.docs.length, 0);
}

/**
 * RETSUM of a GSTR-1 / 1A: one `sec_sum` entry per section that holds records, under GSTN's section names,
 * with `ttl_rec` its record count (a client may read only the sections listed). null when nothing is filed.
 */
function returnSummary(doc: Gstr2bDocument, sectionOf: (section: string) => unknown): unknown {
  const secSum = GSTR1_SECTIONS.filter((s) => s !== 'RETSUM').flatMap((section) => {
    const data = sectionOf(section) as Record<string, unknown> | null;
    return data ? [{ sec_nm: SUMMARY_NAME[section] ?? section, ttl_rec: recordsIn(data) }] : [];
  });
  if (secSum.length === 0) return null;
  return { gstin: doc.gstin, ret_period: doc.rtnprd, sec_sum: secSum };
}

function docRange(doc: Gstr2bDocument) {
  const nums = doc.invoices.map((i) => i.inv.inum).sort();
  return {
    num: 1,
    from: nums[0],
    to: nums[nums.length - 1],
    totnum: nums.length,
    cancel: 0,
    net_issue: nums.length,
  };
}

/** GSTR-1A: amendments some taxpayers make after filing GSTR-1 (one in ten periods, up to five invoices). */
export function gstr1aSection(worldSeed: string, doc: Gstr2bDocument, section: string): unknown {
  if (section === 'RETSUM') return returnSummary(doc, (s) => gstr1aSection(worldSeed, doc, s));
  const rng = rngFor(worldSeed, 'gstr1a', doc.gstin, doc.rtnprd);
  if (section !== 'B2B' || doc.invoices.length === 0 || !rng.chance(0.1)) return null;
  const picked = b2bEntries(doc, true).slice(0, rng.int(1, 5));
  return {
    b2b: picked.map((e) => ({ ...e, inv: e.inv.slice(0, 1).map((i) => ({ ...i, val: i.val + 100 })) })),
  };
}

/** GSTR-2A: the supplier invoices of the period (the same as the 2B's) under GSTR-1 field names. */
export function gstr2aSection(purchases: Gstr2bDocument, section: string): unknown {
  if (section !== 'B2B' || purchases.invoices.length === 0) return null;
  return { b2b: b2bEntries(purchases, false) };
}
