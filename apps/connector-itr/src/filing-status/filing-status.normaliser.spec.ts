import { normaliseFilingStatus } from './filing-status.normaliser';
import { FilingStatusResponseSchema } from './filing-status.schema';

const PAN = 'AAACR5055K';

const answer = FilingStatusResponseSchema.parse({
  successFlag: true,
  httpStatus: 'OK',
  messages: [],
  errors: [],
  data: [
    {
      assmentYear: '2025',
      ackNum: '123456789012345',
      ackDt: '2025-07-20',
      formTypeCd: 'ITR-1',
      efileStatus: 'Processed',
      statusDesc: 'ITR Processed',
      statusDate: '2025-08-02',
    },
    {
      assmentYear: '2024',
      ackNum: '987654321098765',
      ackDt: '2024-07-15',
      formTypeCd: 'ITR-3',
      efileStatus: 'Verified',
      statusDesc: 'Successfully e-Verified',
      statusDate: '2024-07-16',
    },
  ],
});
const entries = answer.data ?? [];

describe('normaliseFilingStatus', () => {
  it('makes one record per filed return keyed pan|ackNum', () => {
    const records = normaliseFilingStatus(PAN, null, entries);
    expect(records.map((r) => r.naturalKey)).toEqual([`${PAN}|123456789012345`, `${PAN}|987654321098765`]);
    expect(records[0].data).toEqual({
      pan: PAN,
      assessmentYear: '2025-26',
      ackNum: '123456789012345',
      ackDt: '2025-07-20',
      formTypeCd: 'ITR-1',
      efileStatus: 'Processed',
      statusDesc: 'ITR Processed',
      statusDate: '2025-08-02',
    });
  });

  it('keeps only the requested assessment year', () => {
    const records = normaliseFilingStatus(PAN, '2024-25', entries);
    expect(records.map((r) => r.data.ackNum)).toEqual(['987654321098765']);
  });

  it('changes the hash when the processing status moves on', () => {
    const before = normaliseFilingStatus(PAN, null, entries)[0];
    const after = normaliseFilingStatus(PAN, null, [{ ...entries[0], statusDesc: 'Defective' }])[0];
    expect(after.naturalKey).toBe(before.naturalKey);
    expect(after.hash).not.toBe(before.hash);
  });

  it('returns nothing when no return was filed', () => {
    expect(normaliseFilingStatus(PAN, null, [])).toEqual([]);
  });
});
