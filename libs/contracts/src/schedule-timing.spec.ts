import {
  addDuration,
  cronProblem,
  everyProblem,
  MIN_LINK_EVERY_SECONDS,
  nextCronTick,
  nextEveryTick,
  parseIsoDuration,
  timeZoneProblem,
} from './schedule-timing';

describe('every (ISO 8601 durations)', () => {
  it('accepts durations of five minutes or more, months and years included', () => {
    for (const ok of ['PT6H', 'P1D', 'P1DT12H', 'PT5M', 'P1W', 'P1M', 'P3M', 'P1Y', 'P1Y2M', 'PT300S']) {
      expect([ok, everyProblem(ok)]).toEqual([ok, null]);
    }
  });

  it('refuses with the real reason', () => {
    expect(everyProblem('PT1M')).toBe('must be at least PT5M (five minutes)');
    // Branch links may sync every minute, not more often.
    expect(everyProblem('PT1M', MIN_LINK_EVERY_SECONDS)).toBeNull();
    expect(everyProblem('PT30S', MIN_LINK_EVERY_SECONDS)).toBe('must be at least PT1M (one minute)');
    expect(everyProblem('P0D')).toBe('must be longer than zero');
    expect(everyProblem('PT0.3S', 0)).toBeNull();
    expect(everyProblem('P1.5M')).toMatch(/whole numbers except in seconds/);
    expect(everyProblem('PT0.5H')).toMatch(/whole numbers except in seconds/);
    for (const bad of ['6h', 'P', 'PT', '', 'P1H', 'PT1D', 'p1d']) {
      expect(everyProblem(bad)).toMatch(/ISO 8601/);
    }
  });

  it('parses every part', () => {
    expect(parseIsoDuration('P1Y2M3W4DT5H6M7.5S')).toEqual({
      years: 1,
      months: 2,
      weeks: 3,
      days: 4,
      hours: 5,
      minutes: 6,
      seconds: 7.5,
    });
  });
});

describe('calendar durations', () => {
  const month = parseIsoDuration('P1M')!;

  it('adds months by the calendar of the zone: end of month is clamped, the wall-clock time kept', () => {
    // 31 January 09:00 IST + 1 month = 28 February 09:00 IST.
    const jan31 = new Date('2026-01-31T03:30:00Z');
    expect(addDuration(jan31, month, 1, 'Asia/Kolkata')).toEqual(new Date('2026-02-28T03:30:00Z'));
    expect(addDuration(jan31, month, 3, 'Asia/Kolkata')).toEqual(new Date('2026-04-30T03:30:00Z'));
    expect(addDuration(jan31, parseIsoDuration('P1Y')!, 1, 'Asia/Kolkata')).toEqual(
      new Date('2027-01-31T03:30:00Z'),
    );
  });

  it('keeps 09:00 local across a daylight-saving change', () => {
    // 09:00 in New York on 15 February (EST, UTC-5) and 15 March (EDT, UTC-4).
    expect(addDuration(new Date('2026-02-15T14:00:00Z'), month, 1, 'America/New_York')).toEqual(
      new Date('2026-03-15T13:00:00Z'),
    );
  });

  it('the next tick after a moment is on the anchored monthly grid', () => {
    const anchor = new Date('2026-01-15T00:30:00Z'); // 15 January 06:00 IST
    expect(nextEveryTick(anchor, month, new Date('2026-05-20T00:00:00Z'), 'Asia/Kolkata')).toEqual(
      new Date('2026-06-15T00:30:00Z'),
    );
    expect(nextEveryTick(anchor, month, new Date('2026-06-15T00:30:00Z'), 'Asia/Kolkata')).toEqual(
      new Date('2026-07-15T00:30:00Z'),
    );
    expect(nextEveryTick(anchor, month, anchor, 'Asia/Kolkata')).toEqual(new Date('2026-02-15T00:30:00Z'));
  });
});

describe('cron and time zones', () => {
  it('accepts five-field cron expressions and names the bad field', () => {
    for (const ok of ['0 6 * * 1', '*/15 9-18 * * MON-FRI', '0 0 1,15 * *', '30 2 14 JAN-DEC 0']) {
      expect(cronProblem(ok)).toBeNull();
    }
    expect(cronProblem('0 6 * *')).toMatch(/5 fields/);
    expect(cronProblem('60 6 * * *')).toMatch(/minute/);
    expect(cronProblem('0 6 * * 8')).toMatch(/day of week/);
    expect(cronProblem('0 6 5-1 * *')).toMatch(/day of month/);
    expect(cronProblem('*/0 * * * *')).toMatch(/minute/);
  });

  it('accepts IANA zone names only', () => {
    expect(timeZoneProblem('Asia/Kolkata')).toBeNull();
    expect(timeZoneProblem('UTC')).toBeNull();
    expect(timeZoneProblem('America/New_York')).toBeNull();
    expect(timeZoneProblem('Mars/Olympus')).toMatch(/not an IANA time zone/);
    expect(timeZoneProblem('')).toMatch(/IANA/);
  });

  it('reads the expression in the given zone', () => {
    const after = new Date('2026-01-01T04:00:00Z');
    expect(nextCronTick('0 9 * * *', after, 'Asia/Kolkata')).toEqual(new Date('2026-01-02T03:30:00Z'));
    expect(nextCronTick('0 9 * * *', after, 'UTC')).toEqual(new Date('2026-01-01T09:00:00Z'));
    expect(nextCronTick('0 9 * * *', after, 'Asia/Dubai')).toEqual(new Date('2026-01-01T05:00:00Z'));
  });
});
