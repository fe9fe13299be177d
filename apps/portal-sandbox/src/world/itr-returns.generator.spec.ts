import { addDays } from './dates';
import { currentAssessmentYear, filedReturns, ITR_STATUS, itrTimeline } from './itr-returns.generator';

const SEED = 'practice-sync';
const NOW = new Date('2025-11-20T10:00:00Z');
const pans = Array.from(
  { length: 300 },
  (_, i) => `AAAP${String.fromCharCode(65 + (i % 26))}${String(i).padStart(4, '0')}K`,
);
const DESCRIPTIONS: string[] = Object.values(ITR_STATUS).map((s) => s.statusDesc);
/** Statuses only move forward: filed, then verified, then an outcome. */
const RANK: Record<string, number> = {
  SUBMITTED: 0,
  EVERIFIED: 1,
  ITRV_RECEIVED: 1,
  PROCESSED: 2,
  DEFECTIVE: 2,
  TRANSFERRED_TO_AO: 2,
};

describe('ITR filed returns', () => {
  it('answers identically for the same PAN and clock', () => {
    expect(filedReturns(SEED, pans[0], NOW)).toEqual(filedReturns(SEED, pans[0], new Date(NOW)));
  });

  it('lists 0 to 4 returns over recent assessment years, newest first, with portal statuses', () => {
    const sizes = new Set<number>();
    for (const pan of pans) {
      const list = filedReturns(SEED, pan, NOW);
      sizes.add(list.length);
      const years = list.map((r) => Number(r.assmentYear));
      expect([...years].sort((a, b) => b - a)).toEqual(years);
      for (const r of list) {
        expect(years[0]).toBeLessThanOrEqual(currentAssessmentYear(NOW));
        expect(DESCRIPTIONS).toContain(r.statusDesc);
        expect(r.ackNum).toMatch(/^[1-9]\d{14}$/);
        expect(r.ackDt <= r.statusDate).toBe(true);
        expect(r.formTypeCd).toMatch(/^ITR-[1-7]$/);
      }
    }
    expect([...sizes].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('chooses forms by holder type', () => {
    const company = filedReturns(SEED, 'AAACR5055K', NOW);
    for (const r of company) expect(r.formTypeCd).toBe('ITR-6');
  });

  it('moves statuses forward as time passes and shows new filings', () => {
    let progressed = 0;
    let appeared = 0;
    for (const pan of pans.slice(0, 100)) {
      const before = filedReturns(SEED, pan, NOW);
      const after = filedReturns(SEED, pan, addDays(NOW, 240));
      for (const old of before) {
        const later = after.find((r) => r.ackNum === old.ackNum);
        if (!later) continue; // dropped out of the four-year window
        expect(RANK[later.efileStatus]).toBeGreaterThanOrEqual(RANK[old.efileStatus]);
        expect(later.statusDate >= old.statusDate).toBe(true);
        if (later.statusDesc !== old.statusDesc) progressed++;
      }
      appeared += after.filter((r) => !before.some((b) => b.ackNum === r.ackNum)).length;
    }
    expect(progressed).toBeGreaterThan(0);
    expect(appeared).toBeGreaterThan(0);
  });

  it('starts every timeline at filing, pending e-verification', () => {
    const timeline = pans.map((p) => itrTimeline(SEED, p, 2024)).find((t) => t !== null);
    expect(timeline?.steps[0].status).toBe('submitted');
  });

  it('derives the assessment year from the date (AY starts on 1 April)', () => {
    expect(currentAssessmentYear(new Date('2025-03-31T23:00:00Z'))).toBe(2024);
    expect(currentAssessmentYear(new Date('2025-04-01T00:00:00Z'))).toBe(2025);
  });
});
