import { formatPeriod, previousPeriod } from './dates';
import { filingDates } from './gst-taxpayer.generator';
import type { Gstr2bDocument } from './gstr2b.generator';
import { isGenerated } from './gstr2b.generator';
import { rngFor } from './prng';

export const IMS_SECTIONS = ['B2B', 'B2BA', 'B2BCN', 'B2BCNA', 'B2BDN', 'B2BDNA', 'ECOM', 'ECOMA'] as const;

export interface ImsSource {
  seed: string;
  now(): Date;
  purchases(gstin: string, rtnprd: string): Gstr2bDocument;
}

export interface ImsInvoice {
  stin: string;
  inum: string;
  idt: string;
  inv_typ: string;
  val: number;
  pos: string;
  txval: number;
  iamt: number;
  camt: number;
  samt: number;
  cess: number;
  rtnprd: string;
  srcfilstatus: 'Filed';
  /** N no action, A accepted, R rejected, P pending. */
  action: 'N' | 'A' | 'R' | 'P';
}

/** The open period: the latest whose 2B exists and whose GSTR-3B is not filed yet, if any. */
export function openImsPeriod(seed: string, gstin: string, now: Date): string | null {
  let p = previousPeriod({ month: now.getUTCMonth() + 1, year: now.getUTCFullYear() });
  for (let i = 0; i < 3; i++, p = previousPeriod(p)) {
    const rtnprd = formatPeriod(p);
    if (!isGenerated(rtnprd, now)) continue;
    return filingDates(seed, gstin, rtnprd).gstr3b.getTime() > now.getTime() ? rtnprd : null;
  }
  return null;
}

/**
 * IMS: the supplier invoices of the open period with the taxpayer's action on each (B2B only; the other
 * sections are empty in the sandbox). Empty between the 3B filing and the next 2B.
 */
export function imsInvoices(source: ImsSource, gstin: string, section: string): ImsInvoice[] {
  const rtnprd = openImsPeriod(source.seed, gstin, source.now());
  if (section !== 'B2B' || rtnprd === null) return [];
  const doc = source.purchases(gstin, rtnprd);
  const rng = rngFor(source.seed, 'ims', gstin, rtnprd);
  return doc.invoices.map(({ supplier, inv }) => {
    const sum = (k: 'txval' | 'igst' | 'cgst' | 'sgst' | 'cess') =>
      Math.round(inv.items.reduce((s, i) => s + i[k], 0) * 100) / 100;
    return {
      stin: doc.suppliers[supplier].ctin,
      inum: inv.inum,
      idt: inv.dt,
      inv_typ: inv.typ,
      val: inv.val,
      pos: inv.pos,
      txval: sum('txval'),
      iamt: sum('igst'),
      camt: sum('cgst'),
      samt: sum('sgst'),
      cess: sum('cess'),
      rtnprd,
      srcfilstatus: 'Filed',
      action: rng.weighted({ N: 70, A: 20, R: 5, P: 5 }),
    };
  });
}
