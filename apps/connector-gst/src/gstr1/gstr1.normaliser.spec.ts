import { RecordSet } from '../common/gst-records';
import { normaliseGstr1Section } from './gstr1.normaliser';

const base = { gstin: '27AAACR5055K1Z7', form: 'gstr1', period: '012025' };

describe('normaliseGstr1Section', () => {
  it('keys B2B invoices, CDNR notes, HSN lines and the summary', () => {
    const set = new RecordSet();
    normaliseGstr1Section(
      set,
      { ...base, section: 'B2B' },
      {
        b2b: [
          {
            ctin: '29AABCT1332L1ZT',
            cfs: 'Y',
            inv: [
              { inum: 'A1', val: 10 },
              { inum: 'A2', val: 20 },
            ],
          },
        ],
      },
    );
    normaliseGstr1Section(
      set,
      { ...base, section: 'CDNR' },
      {
        cdnr: [{ ctin: '29AABCT1332L1ZT', nt: [{ nt_num: 'N1', ntty: 'C' }] }],
      },
    );
    normaliseGstr1Section(
      set,
      { ...base, section: 'HSNSUM' },
      { hsn: { data: [{ num: 1, hsn_sc: '1001' }] } },
    );
    normaliseGstr1Section(set, { ...base, section: 'RETSUM' }, { sec_sum: [{ sec_nm: 'B2B', ttl_rec: 2 }] });
    expect(set.records.map((r) => r.naturalKey)).toEqual([
      '27AAACR5055K1Z7|gstr1|B2B|29AABCT1332L1ZT|A1|012025',
      '27AAACR5055K1Z7|gstr1|B2B|29AABCT1332L1ZT|A2|012025',
      '27AAACR5055K1Z7|gstr1|CDNR|29AABCT1332L1ZT|N1|012025',
      '27AAACR5055K1Z7|gstr1|HSNSUM|1|1001|012025',
      '27AAACR5055K1Z7|gstr1|RETSUM|B2B|012025',
    ]);
    expect(set.records[0].data).toMatchObject({ ctin: '29AABCT1332L1ZT', inum: 'A1', val: 10, cfs: 'Y' });
  });
});
