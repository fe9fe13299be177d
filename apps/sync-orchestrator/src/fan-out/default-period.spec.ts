import { currentAssessmentYear, defaultGstPeriod, periodFor, resolveRunPeriods } from './default-period';

describe('default periods', () => {
  it('GST: the previous month as MMYYYY', () => {
    expect(defaultGstPeriod(new Date('2026-11-22T10:00:00Z'))).toBe('102026');
    expect(defaultGstPeriod(new Date('2026-04-15T10:00:00Z'))).toBe('032026');
  });

  it('GST: January rolls back to December of the year before', () => {
    expect(defaultGstPeriod(new Date('2027-01-10T10:00:00Z'))).toBe('122026');
  });

  it('GST: the month turns over at midnight in India, not UTC', () => {
    // 2026-11-30T19:00Z is 1 December 00:30 IST: November has closed.
    expect(defaultGstPeriod(new Date('2026-11-30T19:00:00Z'))).toBe('112026');
    expect(defaultGstPeriod(new Date('2026-11-30T18:00:00Z'))).toBe('102026');
  });

  it('ITR: the financial year in progress plus one', () => {
    expect(currentAssessmentYear(new Date('2026-11-22T10:00:00Z'))).toBe('2027-28');
    expect(currentAssessmentYear(new Date('2027-02-28T10:00:00Z'))).toBe('2027-28');
    expect(currentAssessmentYear(new Date('2027-04-01T00:00:00+05:30'))).toBe('2028-29');
    expect(currentAssessmentYear(new Date('2027-03-31T23:59:00+05:30'))).toBe('2027-28');
  });

  it('ITR: the century rollover keeps two digits', () => {
    expect(currentAssessmentYear(new Date('2098-06-01T00:00:00Z'))).toBe('2099-00');
  });

  it('resolves only the portals the run has, keeping requested periods', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    expect(resolveRunPeriods(['gst.gstr2b', 'itr.returns'], undefined, now)).toEqual({
      gst: '102026',
      itr: '2027-28',
    });
    expect(resolveRunPeriods(['gst.gstr2b'], { gst: '042025', itr: '2025-26' }, now)).toEqual({
      gst: '042025',
    });
    expect(resolveRunPeriods(['esign.signature_timestamps'], undefined, now)).toEqual({});
  });

  it('gives each category its portal period; e-sign has none', () => {
    const periods = { gst: '102026', itr: '2027-28' };
    expect(periodFor('gst.ims_2a', periods)).toBe('102026');
    expect(periodFor('itr.ais_tis_26as', periods)).toBe('2027-28');
    expect(periodFor('esign.signature_timestamps', periods)).toBeNull();
  });
});
