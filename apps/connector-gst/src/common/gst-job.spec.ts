import { financialYearOf, monthRange, previousMonth } from './gst-job';

describe('gst period helpers', () => {
  it('maps a return period to its financial year', () => {
    expect(financialYearOf('032025')).toBe('2024-25');
    expect(financialYearOf('042025')).toBe('2025-26');
  });

  it('gives the month range and the previous month', () => {
    expect(monthRange('022024')).toEqual({ from: '01-02-2024', to: '29-02-2024' });
    expect(previousMonth(new Date('2026-01-15T00:00:00Z'))).toBe('122025');
  });
});
