import { ProblemException } from '@practice-sync/problems';

import { assertPeriodsAvailable, periodFor, resolveRunPeriods } from './default-period';

describe('run periods', () => {
  // 22 November 2026, 15:30 IST: October closed; October's 2B generated on 14 November.
  const now = new Date('2026-11-22T10:00:00Z');

  it('gives each category the latest period that has data when the request names none', () => {
    expect(resolveRunPeriods(['gst.gstr2b', 'gst.gstr3b_ledgers', 'itr.returns'], undefined, now)).toEqual({
      gst: '102026',
      itr: '2025-26',
    });
  });

  it('before the 14th, GSTR-2B gets its own period: the last month is not generated yet', () => {
    const early = new Date('2026-11-10T10:00:00Z');
    expect(resolveRunPeriods(['gst.gstr2b', 'gst.gstr3b_ledgers', 'gst.gstr1_1a'], undefined, early)).toEqual(
      { gst: '102026', 'gst.gstr2b': '092026' },
    );
    const periods = resolveRunPeriods(['gst.gstr2b', 'gst.gstr3b_ledgers', 'gst.gstr1_1a'], undefined, early);
    expect(periodFor('gst.gstr2b', periods)).toBe('092026');
    expect(periodFor('gst.gstr1_1a', periods)).toBe('102026');
    // A run of 2B alone: its portal period is the 2B's, no per-category key needed.
    expect(resolveRunPeriods(['gst.gstr2b'], undefined, early)).toEqual({ gst: '092026' });
  });

  it('a requested period applies to every category of its portal, and only portals in the run appear', () => {
    const early = new Date('2026-11-10T10:00:00Z');
    expect(resolveRunPeriods(['gst.gstr2b'], { gst: '042025', itr: '2025-26' }, early)).toEqual({
      gst: '042025',
    });
    expect(resolveRunPeriods(['esign.signature_timestamps'], undefined, now)).toEqual({});
    expect(periodFor('esign.signature_timestamps', { gst: '102026' })).toBeNull();
  });

  it('refuses future periods with a 422 naming the field and the latest valid period', () => {
    expect(() => assertPeriodsAvailable({ gst: '112026', itr: '2027-28' }, now)).not.toThrow();
    let thrown: unknown;
    try {
      assertPeriodsAvailable({ gst: '012030', itr: '2028-29' }, now);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ProblemException);
    const problem = thrown as ProblemException;
    expect(problem.getStatus()).toBe(422);
    expect(problem.errors).toEqual([
      { field: 'period.gst', message: expect.stringContaining('the latest period is 112026') },
      { field: 'period.itr', message: expect.stringContaining('the latest assessment year is 2027-28') },
    ]);
  });
});
