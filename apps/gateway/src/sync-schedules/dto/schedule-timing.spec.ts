import { cronProblem, everyProblem } from './schedule-timing';

describe('schedule timing', () => {
  it('accepts ISO 8601 durations of five minutes or more', () => {
    expect(everyProblem('PT6H')).toBeNull();
    expect(everyProblem('P1D')).toBeNull();
    expect(everyProblem('P1DT12H')).toBeNull();
    expect(everyProblem('PT5M')).toBeNull();
    expect(everyProblem('PT1M')).toBe('must be at least PT5M');
    expect(everyProblem('6h')).toMatch(/ISO 8601/);
    expect(everyProblem('P')).toMatch(/ISO 8601/);
    expect(everyProblem('PT')).toMatch(/ISO 8601/);
  });

  it('accepts five-field cron expressions', () => {
    for (const ok of ['0 6 * * 1', '*/15 9-18 * * MON-FRI', '0 0 1,15 * *', '30 2 14 JAN-DEC 0']) {
      expect(cronProblem(ok)).toBeNull();
    }
    expect(cronProblem('0 6 * *')).toMatch(/5 fields/);
    expect(cronProblem('60 6 * * *')).toMatch(/minute/);
    expect(cronProblem('0 6 * * 8')).toMatch(/day of week/);
    expect(cronProblem('0 6 5-1 * *')).toMatch(/day of month/);
    expect(cronProblem('*/0 * * * *')).toMatch(/minute/);
  });
});
