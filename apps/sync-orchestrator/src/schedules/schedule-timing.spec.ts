import { nextRunAt } from './schedule-timing';

describe('nextRunAt', () => {
  const createdAt = new Date('2026-01-01T00:00:00Z');
  const base = { cron: null, notBefore: null, enabled: true, createdAt, timezone: 'Asia/Kolkata' };

  it('runs a new `every` schedule at once, then on its anchored grid', () => {
    const rule = { ...base, every: 'PT1H' };
    const now = new Date('2026-01-01T00:10:00Z');
    expect(nextRunAt(rule, now, true)).toEqual(now);
    expect(nextRunAt(rule, now)).toEqual(new Date('2026-01-01T01:00:00Z'));
  });

  it('collapses ticks missed during downtime into one: the next is after now', () => {
    const rule = { ...base, every: 'PT1H' };
    const afterDowntime = new Date('2026-01-03T05:20:00Z');
    expect(nextRunAt(rule, afterDowntime)).toEqual(new Date('2026-01-03T06:00:00Z'));
  });

  it('runs P1M on the same day of each month, by the calendar', () => {
    const rule = { ...base, every: 'P1M', notBefore: new Date('2026-01-31T03:30:00Z') };
    expect(nextRunAt(rule, new Date('2026-01-31T03:30:00Z'))).toEqual(new Date('2026-02-28T03:30:00Z'));
    expect(nextRunAt(rule, new Date('2026-03-01T00:00:00Z'))).toEqual(new Date('2026-03-31T03:30:00Z'));
  });

  it('waits for notBefore', () => {
    const notBefore = new Date('2026-02-01T00:00:00Z');
    expect(nextRunAt({ ...base, every: 'P1D', notBefore }, createdAt, true)).toEqual(notBefore);
    expect(nextRunAt({ ...base, every: null, cron: '0 9 * * *', notBefore }, createdAt)).toEqual(
      new Date('2026-02-01T03:30:00Z'),
    );
  });

  it('follows a cron expression in the schedule time zone', () => {
    const rule = { ...base, every: null, cron: '0 9 * * *' };
    expect(nextRunAt(rule, new Date('2026-01-01T04:00:00Z'))).toEqual(new Date('2026-01-02T03:30:00Z'));
    expect(nextRunAt({ ...rule, timezone: 'UTC' }, new Date('2026-01-01T04:00:00Z'))).toEqual(
      new Date('2026-01-01T09:00:00Z'),
    );
  });

  it('is null when disabled', () => {
    expect(nextRunAt({ ...base, every: 'PT1H', enabled: false }, createdAt)).toBeNull();
  });
});
