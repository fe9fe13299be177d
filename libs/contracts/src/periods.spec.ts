import {
  defaultPeriodOf,
  describeCatalogue,
  futureAssessmentYearProblem,
  futureGstPeriodProblem,
  lastCompletedAssessmentYear,
  latestAssessmentYear,
  latestClosedGstPeriod,
  latestGstPeriod,
  latestGstr2bPeriod,
} from './periods';

const ist = (local: string) => new Date(`${local}+05:30`);

describe('GST periods (Indian calendar)', () => {
  it('the latest closed month and the month in progress', () => {
    expect(latestClosedGstPeriod(ist('2026-11-22T10:00:00'))).toBe('102026');
    expect(latestGstPeriod(ist('2026-11-22T10:00:00'))).toBe('112026');
    // January rolls back to December of the year before.
    expect(latestClosedGstPeriod(ist('2027-01-10T10:00:00'))).toBe('122026');
  });

  it('the month turns over at midnight IST, not UTC', () => {
    // 2026-11-30T19:00Z is 1 December 00:30 IST: November has closed.
    expect(latestClosedGstPeriod(new Date('2026-11-30T19:00:00Z'))).toBe('112026');
    expect(latestClosedGstPeriod(new Date('2026-11-30T18:00:00Z'))).toBe('102026');
  });

  it('GSTR-2B: generated on the 14th of the next month', () => {
    expect(latestGstr2bPeriod(ist('2026-11-13T23:59:00'))).toBe('092026');
    expect(latestGstr2bPeriod(ist('2026-11-14T00:00:00'))).toBe('102026');
    // Early January: November's 2B (generated 14 December) is the latest.
    expect(latestGstr2bPeriod(ist('2027-01-05T12:00:00'))).toBe('112026');
    expect(latestGstr2bPeriod(ist('2027-01-14T12:00:00'))).toBe('122026');
    expect(latestGstr2bPeriod(ist('2027-02-01T00:30:00'))).toBe('122026');
  });

  it('a period whose month has not begun is in the future, naming the latest valid one', () => {
    const now = ist('2026-11-30T23:59:00');
    expect(futureGstPeriodProblem('112026', now)).toBeNull();
    expect(futureGstPeriodProblem('042025', now)).toBeNull();
    expect(futureGstPeriodProblem('122026', now)).toMatch(
      /122026 is in the future; the latest period is 112026/,
    );
    expect(futureGstPeriodProblem('012030', now)).toMatch(/latest closed one is 102026/);
    expect(futureGstPeriodProblem('122026', ist('2026-12-01T00:00:00'))).toBeNull();
  });
});

describe('assessment years (Indian calendar)', () => {
  it('the last completed assessment year (ended 31 March) is the default', () => {
    expect(lastCompletedAssessmentYear(ist('2026-11-22T10:00:00'))).toBe('2025-26');
    expect(lastCompletedAssessmentYear(ist('2027-03-31T23:59:00'))).toBe('2025-26');
    expect(lastCompletedAssessmentYear(ist('2027-04-01T00:00:00'))).toBe('2026-27');
    // 31 March 23:00 UTC is 1 April IST: the year has turned.
    expect(lastCompletedAssessmentYear(new Date('2027-03-31T19:00:00Z'))).toBe('2026-27');
  });

  it('the latest valid one is the assessment year of the financial year in progress', () => {
    expect(latestAssessmentYear(ist('2026-11-22T10:00:00'))).toBe('2027-28');
    expect(latestAssessmentYear(ist('2027-04-01T00:00:00'))).toBe('2028-29');
    expect(latestAssessmentYear(new Date('2098-06-01T00:00:00Z'))).toBe('2099-00');
  });

  it('an assessment year whose financial year has not begun is in the future', () => {
    const now = ist('2026-11-22T10:00:00');
    expect(futureAssessmentYearProblem('2027-28', now)).toBeNull();
    expect(futureAssessmentYearProblem('2021-22', now)).toBeNull();
    expect(futureAssessmentYearProblem('2028-29', now)).toBe(
      '2028-29 is in the future; the latest assessment year is 2027-28 (the last completed one is 2025-26)',
    );
  });
});

describe('default periods per category', () => {
  const now = ist('2026-11-10T10:00:00');

  it('GSTR-2B the latest generated, other GST the latest closed, ITR the last completed, e-sign none', () => {
    expect(defaultPeriodOf('gst.gstr2b', now)).toBe('092026');
    expect(defaultPeriodOf('gst.gstr3b_ledgers', now)).toBe('102026');
    expect(defaultPeriodOf('itr.ais_tis_26as', now)).toBe('2025-26');
    expect(defaultPeriodOf('esign.signature_timestamps', now)).toBeNull();
  });

  it('the catalogue carries them', () => {
    const catalogue = describeCatalogue(now);
    expect(catalogue).toHaveLength(10);
    expect(catalogue.find((c) => c.id === 'gst.gstr2b')).toEqual({
      id: 'gst.gstr2b',
      portal: 'gst',
      subject: 'gstin',
      description: 'GSTR-2B (all pages)',
      defaultPeriod: '092026',
    });
  });
});
