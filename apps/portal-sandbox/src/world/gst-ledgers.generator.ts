import { addDays, formatPeriod, gstDate, parsePeriod } from './dates';
import { filingDates, nextPeriod } from './gst-taxpayer.generator';
import { generationDate, invoiceCount } from './gstr2b.generator';
import { rngFor } from './prng';

/** Tax heads as the ledgers and GSTR-3B write them. */
export interface TaxHeads {
  iamt: number;
  camt: number;
  samt: number;
  csamt: number;
}

export interface PeriodFigures {
  rtnprd: string;
  outward: TaxHeads & { txval: number };
  itc: TaxHeads;
  /** Cash paid with the 3B: liability less the ITC used. */
  cash: TaxHeads;
}

const r2 = (n: number): number => Math.round(n * 100) / 100;
const heads = (total: number, interShare: number): TaxHeads => ({
  iamt: r2(total * interShare),
  camt: r2((total * (1 - interShare)) / 2),
  samt: r2((total * (1 - interShare)) / 2),
  csamt: 0,
});

/**
 * Cheap per-period figures (no invoice generation), so GSTR-3B and the ledgers stay consistent with each
 * other and a ledger over years costs microseconds.
 */
export function periodFigures(worldSeed: string, gstin: string, rtnprd: string): PeriodFigures {
  const rng = rngFor(worldSeed, 'gst-3b', gstin, rtnprd);
  const sales = invoiceCount(`${worldSeed}|sales`, gstin, rtnprd);
  const purchases = invoiceCount(worldSeed, gstin, rtnprd);
  const inter = rng.range(0.2, 0.6);
  const txval = r2(sales * rng.range(40_000, 160_000));
  const liability = txval * 0.18;
  const itcTotal = Math.min(liability * rng.range(0.5, 1.1), purchases * 15_000);
  const cashTotal = Math.max(0, liability - itcTotal);
  return {
    rtnprd,
    outward: { txval, ...heads(liability, inter) },
    itc: heads(itcTotal, inter),
    cash: heads(cashTotal, inter),
  };
}

/** The GSTR-3B RETSUM of a filed period. */
export function gstr3bSummary(worldSeed: string, gstin: string, rtnprd: string) {
  const f = periodFigures(worldSeed, gstin, rtnprd);
  return {
    gstin,
    ret_period: rtnprd,
    sup_details: { osup_det: f.outward },
    itc_elg: { itc_avl: [{ ty: 'OTH', ...f.itc }], itc_net: f.itc },
    tx_pmt: { tx_py: [{ trancd: 30002, liab_ldg_id: 1, ...f.outward }] },
  };
}

export interface LedgerEntry {
  dt: string;
  desc: string;
  ret_period: string;
  tr_typ: 'Cr' | 'Db';
  refNo: string;
  amount: TaxHeads;
  bal: number;
}

const total = (h: TaxHeads): number => r2(h.iamt + h.camt + h.samt + h.csamt);

interface Movement {
  at: Date;
  desc: string;
  rtnprd: string;
  tr_typ: 'Cr' | 'Db';
  amount: TaxHeads;
}

/** Cash ledger movements of one period: a deposit before the 3B, then the 3B debit. */
function cashMoves(worldSeed: string, gstin: string, rtnprd: string): Movement[] {
  const f = periodFigures(worldSeed, gstin, rtnprd);
  if (total(f.cash) === 0) return [];
  const filed = filingDates(worldSeed, gstin, rtnprd).gstr3b;
  const extra = rngFor(worldSeed, 'gst-cash', gstin, rtnprd).int(0, 5000);
  const deposit = { ...f.cash, iamt: r2(f.cash.iamt + extra) };
  return [
    { at: addDays(filed, -1), desc: 'Deposit (PMT-06)', rtnprd, tr_typ: 'Cr', amount: deposit },
    { at: filed, desc: 'Set off of liability (GSTR-3B)', rtnprd, tr_typ: 'Db', amount: f.cash },
  ];
}

/** Credit ledger movements: ITC credited when the 2B is generated, used by the 3B. */
function itcMoves(worldSeed: string, gstin: string, rtnprd: string): Movement[] {
  const f = periodFigures(worldSeed, gstin, rtnprd);
  if (total(f.itc) === 0) return [];
  const filed = filingDates(worldSeed, gstin, rtnprd).gstr3b;
  return [
    { at: generationDate(rtnprd), desc: 'ITC from GSTR-2B', rtnprd, tr_typ: 'Cr', amount: f.itc },
    { at: filed, desc: 'Utilisation of ITC (GSTR-3B)', rtnprd, tr_typ: 'Db', amount: f.itc },
  ];
}

/** Months whose movements can fall inside [from, to] (3B filings run up to ~2 months after the period). */
function periodsAround(from: Date, to: Date): string[] {
  let p = parsePeriod(formatPeriod({ month: from.getUTCMonth() + 1, year: from.getUTCFullYear() }));
  for (let i = 0; i < 3; i++)
    p = p.month === 1 ? { month: 12, year: p.year - 1 } : { month: p.month - 1, year: p.year };
  const out: string[] = [];
  while (Date.UTC(p.year, p.month - 1, 1) <= to.getTime()) {
    out.push(formatPeriod(p));
    p = nextPeriod(p);
  }
  return out;
}

/** A ledger (`CASH` or `ITC`) between two dates, as seen at `now`; empty when nothing moved. */
export function ledger(
  worldSeed: string,
  gstin: string,
  kind: 'CASH' | 'ITC',
  from: Date,
  to: Date,
  now: Date,
): { op_bal: number; tr: LedgerEntry[]; cl_bal: number } {
  const until = Math.min(to.getTime() + 86_399_999, now.getTime());
  const moves = periodsAround(from, new Date(until))
    .flatMap((p) => (kind === 'CASH' ? cashMoves : itcMoves)(worldSeed, gstin, p))
    .filter((m) => m.at.getTime() <= until)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  let bal = 0;
  const tr: LedgerEntry[] = [];
  let opBal = 0;
  for (const m of moves) {
    bal = r2(bal + (m.tr_typ === 'Cr' ? 1 : -1) * total(m.amount));
    if (m.at.getTime() < from.getTime()) {
      opBal = bal;
      continue;
    }
    const refNo = `${m.tr_typ === 'Cr' ? 'DC' : 'LI'}${gstin.slice(0, 2)}${m.rtnprd}${tr.length + 1}`;
    tr.push({
      dt: gstDate(m.at),
      desc: m.desc,
      ret_period: m.rtnprd,
      tr_typ: m.tr_typ,
      refNo,
      amount: m.amount,
      bal,
    });
  }
  return { op_bal: opBal, tr, cl_bal: bal };
}
