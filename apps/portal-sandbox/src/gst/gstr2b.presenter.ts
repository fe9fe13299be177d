import { gstDate } from '../world/dates';
import type { Gstr2bDocument, Gstr2bInvoice, SupplierInvoice } from '../world/gstr2b.generator';
import { generationDate, GSTR2B_PAGE_SIZE } from '../world/gstr2b.generator';

interface TaxTotals {
  txval: number;
  igst: number;
  cgst: number;
  sgst: number;
  cess: number;
}

const zero = (): TaxTotals => ({ txval: 0, igst: 0, cgst: 0, sgst: 0, cess: 0 });
const round2 = (n: number): number => Math.round(n * 100) / 100;

function addInvoice(totals: TaxTotals, inv: Gstr2bInvoice): void {
  for (const item of inv.items) {
    totals.txval = round2(totals.txval + item.txval);
    totals.igst = round2(totals.igst + item.igst);
    totals.cgst = round2(totals.cgst + item.cgst);
    totals.sgst = round2(totals.sgst + item.sgst);
    totals.cess = round2(totals.cess + item.cess);
  }
}

/** ITC summary over the whole return (the same on every page, as it describes the return, not the page). */
function itcSummary(invoices: SupplierInvoice[]) {
  const summary = {
    itcavl: { nonrevsup: zero(), revsup: zero() },
    itcunavl: { nonrevsup: zero(), revsup: zero() },
  };
  for (const { inv } of invoices) {
    const side = inv.itcavl === 'N' ? summary.itcunavl : summary.itcavl;
    addInvoice(inv.rev === 'Y' ? side.revsup : side.nonrevsup, inv);
  }
  return summary;
}

/** The GSTR-2B `data` object for one page (1-based) of the document, or all of it when `page` is null. */
export function gstr2bData(doc: Gstr2bDocument, page: number | null) {
  const invoices =
    page === null ? doc.invoices : doc.invoices.slice((page - 1) * GSTR2B_PAGE_SIZE, page * GSTR2B_PAGE_SIZE);
  const b2b: { ctin: string; trdnm: string; supfildt: string; supprd: string; inv: Gstr2bInvoice[] }[] = [];
  let current = -1;
  for (const { supplier, inv } of invoices) {
    // Invoices are ordered by supplier, so a new supplier starts a new b2b entry.
    if (supplier !== current) {
      b2b.push({ ...doc.suppliers[supplier], inv: [] });
      current = supplier;
    }
    b2b[b2b.length - 1].inv.push(inv);
  }
  return {
    gstin: doc.gstin,
    rtnprd: doc.rtnprd,
    version: 'GST2.1',
    gendt: gstDate(generationDate(doc.rtnprd)),
    itcsumm: itcSummary(doc.invoices),
    docdata: { b2b },
  };
}
