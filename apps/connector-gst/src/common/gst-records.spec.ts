import { hashData } from '@practice-sync/connector-kit';

import { addSupplierDocuments, RecordSet } from './gst-records';

const base = { gstin: '27AAACR5055K1Z7', form: 'gstr2a', section: 'B2B', period: '102026' };

describe('addSupplierDocuments', () => {
  it('builds each record as { ...base, ...supplier fields, ...document }: same keys, order, values and hash', () => {
    const suppliers = [
      {
        ctin: '29AABCT1332L1ZT',
        cfs: 'Y',
        // A document field of the same name overrides the supplier's but keeps the supplier's place.
        val: 'supplier',
        inv: [
          { inum: 'A1', val: 10, itms: [{ num: 1, itm_det: { rt: 18, txval: 10 } }] },
          { inum: 'A2', val: 20, section: 'doc-section', pos: '27' },
        ],
        fldtr1: '11-11-2026',
      },
    ];
    const set = new RecordSet();
    addSupplierDocuments(set, base, suppliers, 'inv');

    const { inv, ...supplierFields } = suppliers[0];
    const expected = inv.map((doc) => ({ ...base, ...supplierFields, ...doc }));
    const records = set.records;
    expect(records.map((r) => r.naturalKey)).toEqual([
      '27AAACR5055K1Z7|gstr2a|B2B|29AABCT1332L1ZT|A1|102026',
      '27AAACR5055K1Z7|gstr2a|B2B|29AABCT1332L1ZT|A2|102026',
    ]);
    // JSON text, not only deep equality: the published record keeps the key order it always had.
    expect(records.map((r) => JSON.stringify(r.data))).toEqual(expected.map((e) => JSON.stringify(e)));
    expect(Object.keys(records[1].data)).toEqual([
      'gstin',
      'form',
      'section',
      'period',
      'ctin',
      'cfs',
      'val',
      'fldtr1',
      'inum',
      'pos',
    ]);
    expect(records[1].data['section']).toBe('doc-section');
    expect(records.map((r) => r.hash)).toEqual(expected.map((e) => hashData(e)));
  });

  it('uses nt_num for credit and debit notes and skips entries that are not objects', () => {
    const set = new RecordSet();
    addSupplierDocuments(
      set,
      { ...base, section: 'CDNR' },
      [{ ctin: '29AABCT1332L1ZT', nt: [{ nt_num: 'N1', ntty: 'C' }, 'not a note', null] }, 42],
      'nt',
    );
    expect(set.records.map((r) => r.naturalKey)).toEqual([
      '27AAACR5055K1Z7|gstr2a|CDNR|29AABCT1332L1ZT|N1|102026',
    ]);
  });
});
