import type { NormalisedRecord } from '@practice-sync/connector-kit';
import { toRecord } from '@practice-sync/connector-kit';

import type { Gstr2bDocument } from './gstr2b.schema';

/**
 * One record per B2B invoice, keyed `gstin|ctin|inum|rtnprd`. `itcsumm` is left out: it is derived from the
 * invoices and would mark every record changed whenever any one did.
 */
export function normaliseGstr2b(
  gstin: string,
  rtnprd: string,
  documents: readonly Gstr2bDocument[],
): NormalisedRecord[] {
  const byKey = new Map<string, NormalisedRecord>();
  for (const doc of documents) {
    for (const supplier of doc.docdata.b2b) {
      for (const invoice of supplier.inv) {
        const naturalKey = [gstin, supplier.ctin, invoice.inum, rtnprd].join('|');
        byKey.set(
          naturalKey,
          toRecord(naturalKey, {
            section: 'b2b',
            gstin,
            rtnprd,
            ctin: supplier.ctin,
            trdnm: supplier.trdnm ?? null,
            supfildt: supplier.supfildt ?? null,
            supprd: supplier.supprd ?? null,
            ...invoice,
          }),
        );
      }
    }
  }
  return [...byKey.values()];
}
