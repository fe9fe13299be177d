import type { RecordSet } from '../common/gst-records';
import { addSupplierDocuments, arrayOf, isObj } from '../common/gst-records';

/** IMS lists documents flat (`b2b[{stin, inum, rtnprd, action…}]`): keyed gstin|ims|section|stin|inum|rtnprd. */
export function normaliseImsSection(set: RecordSet, gstin: string, section: string, data: unknown): void {
  if (!isObj(data)) return;
  const list = Object.values(data).find(Array.isArray);
  for (const doc of arrayOf(list)) {
    set.add([gstin, 'ims', section, doc['stin'], doc['inum'], doc['rtnprd']], { gstin, section, ...doc });
  }
}

/** GSTR-2A B2B / B2BA in the GSTR-1 shape; other sections with data are kept whole, one record each. */
export function normaliseGstr2aSection(
  set: RecordSet,
  base: { gstin: string; form: string; section: string; period: string },
  data: unknown,
): void {
  if (!isObj(data)) return;
  if (base.section === 'B2B' || base.section === 'B2BA') {
    addSupplierDocuments(set, base, data['b2b'] ?? data['b2ba'], 'inv');
  } else {
    set.add([base.gstin, base.form, base.section, base.period], { ...base, data });
  }
}
