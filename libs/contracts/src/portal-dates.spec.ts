import { toIsoDate } from './portal-dates';

describe('toIsoDate', () => {
  it.each([
    ['30-05-2026', '2026-05-30'], // GST
    ['2026-05-30', '2026-05-30'], // Income Tax
    [' 2026-05-30 ', '2026-05-30'],
    ['2026-05-30T00:00:00+05:30', '2026-05-30'],
    ['2026-05-30T18:30:00Z', '2026-05-30'],
    ['30/05/2026', '2026-05-30'],
    ['1-5-2026', '2026-05-01'],
    ['30-May-2026', '2026-05-30'],
    ['29-02-2028', '2028-02-29'],
  ])('reads %s as %s', (raw, iso) => {
    expect(toIsoDate(raw)).toBe(iso);
  });

  it.each([
    ['31-02-2026'],
    ['29-02-2027'],
    ['2026-13-01'],
    ['05-30-2026'], // month first is not a portal format; never guessed
    ['30-Foo-2026'],
    ['tomorrow'],
    [''],
    ['20260530'],
  ])('gives null for %s', (raw) => {
    expect(toIsoDate(raw)).toBeNull();
  });

  it('gives null for what is not a string', () => {
    expect(toIsoDate(null)).toBeNull();
    expect(toIsoDate(undefined)).toBeNull();
    expect(toIsoDate(20260530)).toBeNull();
  });
});
