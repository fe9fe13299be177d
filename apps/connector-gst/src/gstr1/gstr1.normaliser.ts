import type { RecordSet } from '../common/gst-records';
import { addSupplierDocuments, arrayOf, isObj } from '../common/gst-records';

export interface SectionBase {
  gstin: string;
  form: string;
  section: string;
  period: string;
}

/**
 * One GSTR-1 / GSTR-1A section into records: B2B / B2BA invoices (gstin|form|section|ctin|inum|period), CDNR
 * notes (…|nt_num|…), HSN lines (…|hsn|num), documents issued (…|doc_num|num), the return summary per section
 * (…|sec_nm); any other section with data is kept whole as one record of the section.
 */
export function normaliseGstr1Section(set: RecordSet, base: SectionBase, data: unknown): void {
  if (!isObj(data)) return;
  const key = [base.gstin, base.form, base.section];
  if (base.section === 'B2B' || base.section === 'B2BA') {
    addSupplierDocuments(set, base, data['b2b'] ?? data['b2ba'], 'inv');
  } else if (base.section === 'CDNR') {
    addSupplierDocuments(set, base, data['cdnr'], 'nt');
  } else if (base.section === 'HSNSUM') {
    const hsn = isObj(data['hsn']) ? data['hsn']['data'] : undefined;
    for (const line of arrayOf(hsn))
      set.add([...key, line['num'], line['hsn_sc'], base.period], { ...base, ...line });
  } else if (base.section === 'DOCISS') {
    const issue = isObj(data['doc_issue']) ? data['doc_issue']['doc_det'] : undefined;
    for (const det of arrayOf(issue)) {
      for (const doc of arrayOf(det['docs'])) {
        set.add([...key, det['doc_num'], doc['num'], base.period], {
          ...base,
          doc_num: det['doc_num'],
          ...doc,
        });
      }
    }
  } else if (base.section === 'RETSUM') {
    for (const sec of arrayOf(data['sec_sum']))
      set.add([...key, sec['sec_nm'], base.period], { ...base, ...sec });
  } else {
    set.add([...key, base.period], { ...base, data });
  }
}
