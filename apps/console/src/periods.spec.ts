import { assessmentYears, formatPeriod, gstAfter, gstMonths, parsePeriod, periodChoices } from './periods';

describe('formatPeriod', () => {
  it('shows a GST period as MM/YYYY and leaves an assessment year alone', () => {
    expect(formatPeriod('102026')).toBe('10/2026');
    expect(formatPeriod('042025')).toBe('04/2025');
    expect(formatPeriod('2025-26')).toBe('2025-26');
    expect(formatPeriod(null)).toBe('');
  });
});

describe('parsePeriod', () => {
  it('reads what a person types as the API period', () => {
    expect(parsePeriod('10/2026')).toBe('102026');
    expect(parsePeriod('4/2025')).toBe('042025');
    expect(parsePeriod('102026')).toBe('102026');
    expect(parsePeriod(' 2025-26 ')).toBe('2025-26');
  });

  it('refuses what is not a period', () => {
    expect(parsePeriod('13/2026')).toBeNull();
    expect(parsePeriod('2025-27')).toBeNull();
    expect(parsePeriod('October')).toBeNull();
  });
});

describe('gstMonths and assessmentYears', () => {
  it('count back across a year end, newest first', () => {
    expect(gstMonths('022026', 4)).toEqual(['022026', '012026', '122025', '112025']);
    expect(assessmentYears('2026-27', 3)).toEqual(['2026-27', '2025-26', '2024-25']);
    expect(assessmentYears('2000-01', 2)).toEqual(['2000-01', '1999-00']);
  });

  it('compares GST periods by year first', () => {
    expect(gstAfter('012026', '122025')).toBe(true);
    expect(gstAfter('122025', '012026')).toBe(false);
  });
});

describe('periodChoices', () => {
  const catalogue = [
    { id: 'gst.gstr2b', portal: 'gst', defaultPeriod: '102026' },
    { id: 'gst.gstr1_1a', portal: 'gst', defaultPeriod: '112026' },
    { id: 'itr.returns', portal: 'itr', defaultPeriod: '2026-27' },
    { id: 'esign.signature_timestamps', portal: 'esign', defaultPeriod: null },
  ];

  it('defaults GST to the latest GSTR-2B that exists, and offers months up to the latest closed one', () => {
    const c = periodChoices(catalogue, 3, 2);
    expect(c.gstDefault).toBe('102026');
    expect(c.gstr2bLatest).toBe('102026');
    expect(c.gstOptions).toEqual(['112026', '102026', '092026']);
    expect(c.itrDefault).toBe('2026-27');
    expect(c.itrOptions).toEqual(['2026-27', '2025-26']);
  });

  it('offers nothing for a portal the catalogue has no period for', () => {
    expect(periodChoices([catalogue[3]])).toMatchObject({ gstOptions: [], gstDefault: null, itrOptions: [] });
  });
});
