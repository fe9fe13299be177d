import type { ReturnPeriod } from './dates';
import { daysInMonth, formatPeriod, gstDate, parsePeriod, utc } from './dates';
import { IST_OFFSET_MS } from './ist';
import { gstinFor, stateCode, tradeName } from './names';
import type { Rng } from './prng';
import { rngFor } from './prng';

/** Invoices per GSTR-2B file (`file_num`); answers above this size are paged. */
export const GSTR2B_PAGE_SIZE = 500;

export interface Gstr2bItem {
  num: number;
  rt: number;
  txval: number;
  igst: number;
  cgst: number;
  sgst: number;
  cess: number;
}

export interface Gstr2bInvoice {
  inum: string;
  typ: string;
  dt: string;
  val: number;
  pos: string;
  rev: 'Y' | 'N';
  itcavl: 'Y' | 'N' | 'T';
  rsn: string;
  items: Gstr2bItem[];
}

/** One supplier's invoice, before grouping by supplier into `docdata.b2b`. */
export interface SupplierInvoice {
  supplier: number;
  inv: Gstr2bInvoice;
}

export interface Supplier {
  ctin: string;
  trdnm: string;
  supfildt: string;
  supprd: string;
}

export interface Gstr2bDocument {
  gstin: string;
  rtnprd: string;
  suppliers: Supplier[];
  /** Ordered by supplier, so each page holds runs of the same supplier. */
  invoices: SupplierInvoice[];
}

/** How many invoices a GSTIN's 2B holds in a period: a stable business size, varied per month. */
export function invoiceCount(worldSeed: string, gstin: string, rtnprd: string): number {
  const profile = rngFor(worldSeed, 'gst-profile', gstin);
  const size = profile.weighted({ dormant: 5, small: 78, medium: 12, large: 5 });
  if (size === 'dormant') return 0;
  const base =
    size === 'small'
      ? profile.int(5, 300)
      : size === 'medium'
        ? profile.int(300, 1200)
        : profile.int(1200, 4000);
  const month = rngFor(worldSeed, 'gst-month', gstin, rtnprd);
  // An active business still has the odd month with no purchases reported by suppliers.
  if (month.chance(0.03)) return 0;
  return Math.max(1, Math.round(base * month.range(0.7, 1.3)));
}

export function pageCount(total: number): number {
  return Math.ceil(total / GSTR2B_PAGE_SIZE);
}

/** The 2B is generated on the 14th of the month after the return period. */
export function generationDate(rtnprd: string): Date {
  const { month, year } = parsePeriod(rtnprd);
  return month === 12 ? utc(year + 1, 1, 14) : utc(year, month + 1, 14);
}

/** Whether the 2B exists at `now`: from midnight IST on its generation date, as the portal (and the services) see it. */
export function isGenerated(rtnprd: string, now: Date): boolean {
  return now.getTime() >= generationDate(rtnprd).getTime() - IST_OFFSET_MS;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

function makeSupplier(rng: Rng, ownState: string, period: ReturnPeriod): Supplier {
  const state = rng.chance(0.6) ? ownState : stateCode(rng);
  const filed = utc(
    period.month === 12 ? period.year + 1 : period.year,
    (period.month % 12) + 1,
    rng.int(1, 11),
  );
  return {
    ctin: gstinFor(rng, state),
    trdnm: tradeName(rng),
    supfildt: gstDate(filed),
    supprd: formatPeriod(period),
  };
}

function makeInvoice(
  rng: Rng,
  supplier: Supplier,
  ownState: string,
  period: ReturnPeriod,
  n: number,
): Gstr2bInvoice {
  const interState = supplier.ctin.slice(0, 2) !== ownState;
  const items: Gstr2bItem[] = [];
  const itemCount = rng.int(1, 3);
  for (let num = 1; num <= itemCount; num++) {
    const rt = rng.pick([5, 12, 18, 18, 28]);
    const txval = round2(rng.range(500, 250_000));
    const tax = round2((txval * rt) / 100);
    const half = round2(tax / 2);
    const cess = rt === 28 && rng.chance(0.2) ? round2(txval * 0.12) : 0;
    items.push({
      num,
      rt,
      txval,
      igst: interState ? tax : 0,
      cgst: interState ? 0 : half,
      sgst: interState ? 0 : half,
      cess,
    });
  }
  const val = round2(items.reduce((s, i) => s + i.txval + i.igst + i.cgst + i.sgst + i.cess, 0));
  const itcavl = rng.weighted({ Y: 90, N: 7, T: 3 });
  const day = rng.int(1, daysInMonth(period));
  return {
    inum: `${supplier.trdnm.slice(0, 3).toUpperCase()}/${period.year % 100}-${String(n).padStart(5, '0')}`,
    typ: rng.weighted({ R: 95, SEWP: 2, DE: 3 }),
    dt: gstDate(utc(period.year, period.month, day)),
    val,
    pos: ownState,
    rev: rng.chance(0.04) ? 'Y' : 'N',
    itcavl,
    rsn: itcavl === 'N' ? rng.pick(['P', 'C']) : '',
    items,
  };
}

/** The whole GSTR-2B of `gstin` for `rtnprd` (pure: same inputs, same document). */
export function generateGstr2b(worldSeed: string, gstin: string, rtnprd: string): Gstr2bDocument {
  const total = invoiceCount(worldSeed, gstin, rtnprd);
  const rng = rngFor(worldSeed, 'gst-2b', gstin, rtnprd);
  const period = parsePeriod(rtnprd);
  const ownState = gstin.slice(0, 2);
  const supplierCount = total === 0 ? 0 : Math.min(total, Math.max(1, Math.ceil(total / rng.int(3, 25))));
  const suppliers = Array.from({ length: supplierCount }, () => makeSupplier(rng, ownState, period));
  const invoices: SupplierInvoice[] = [];
  for (let i = 0; i < total; i++) {
    // Every supplier gets at least one invoice; the rest are spread at random.
    const supplier = i < supplierCount ? i : rng.int(0, supplierCount - 1);
    invoices.push({ supplier, inv: makeInvoice(rng, suppliers[supplier], ownState, period, i + 1) });
  }
  invoices.sort((a, b) => a.supplier - b.supplier);
  return { gstin, rtnprd, suppliers, invoices };
}
