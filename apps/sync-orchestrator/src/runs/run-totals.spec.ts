import type { RunCounters } from './run-totals';
import { addJobs, bucketOf, emptyTotals, isRunComplete, moveJob, openJobs, withWork } from './run-totals';

/** Totals with these counters (the rest 0) and their derived work figures. */
const totalsWith = (counters: Partial<RunCounters>) => withWork({ ...emptyTotals(), ...counters });

describe('run totals', () => {
  it('counts new jobs in their bucket and in jobs', () => {
    const totals = addJobs(emptyTotals(), ['running', 'running', 'skipped']);
    expect(totals).toEqual(totalsWith({ jobs: 3, running: 2, skipped: 1 }));
    expect(openJobs(totals)).toBe(2);
  });

  it('moves a finished job from running to its outcome without changing jobs', () => {
    const start = addJobs(emptyTotals(), ['running', 'running']);
    const after = moveJob(moveJob(start, 'running', 'noChange'), 'running', 'failed');
    expect(after).toEqual(totalsWith({ jobs: 2, noChange: 1, failed: 1 }));
    expect(openJobs(after)).toBe(0);
  });

  it('moves a job between outcomes (a later attempt supersedes a failure)', () => {
    const failed = totalsWith({ jobs: 1, failed: 1 });
    expect(moveJob(failed, 'failed', 'succeeded')).toEqual(totalsWith({ jobs: 1, succeeded: 1 }));
  });

  it('refuses to move a job that is not counted', () => {
    expect(() => moveJob(emptyTotals(), 'running', 'succeeded')).toThrow(/inconsistent/);
  });

  it('maps job status and outcome to a bucket', () => {
    expect(bucketOf({ status: 'pending', outcome: null })).toBe('pending');
    expect(bucketOf({ status: 'running', outcome: null })).toBe('running');
    expect(bucketOf({ status: 'done', outcome: 'no_change' })).toBe('noChange');
    expect(bucketOf({ status: 'done', outcome: 'skipped' })).toBe('skipped');
    expect(bucketOf({ status: 'done', outcome: 'no_data' })).toBe('noData');
    expect(bucketOf({ status: 'done', outcome: 'partial' })).toBe('partial');
    expect(() => bucketOf({ status: 'done', outcome: null })).toThrow();
  });

  it('counts no_data and partial jobs apart, as finished work', () => {
    const start = addJobs(emptyTotals(), ['running', 'running', 'running']);
    const after = moveJob(moveJob(start, 'running', 'noData'), 'running', 'partial');
    expect(after).toMatchObject({ jobs: 3, running: 1, noData: 1, partial: 1, succeeded: 0, failed: 0 });
    expect(after).toMatchObject({ work: 3, workFinished: 2 });
    expect(
      isRunComplete({ status: 'running', fanOutDone: true, totals: moveJob(after, 'running', 'noData') }),
    ).toBe(true);
  });

  it("counts skipped jobs apart from the run's work: neither work done nor work pending", () => {
    const totals = addJobs(emptyTotals(), ['pending', 'pending', 'skipped', 'skipped', 'skipped']);
    expect(totals).toMatchObject({ jobs: 5, skipped: 3, pending: 2, work: 2, workFinished: 0 });
    const one = moveJob(moveJob(totals, 'pending', 'running'), 'running', 'succeeded');
    expect(one).toMatchObject({ work: 2, workFinished: 1 });
  });

  describe('terminal detection', () => {
    const allDone = { ...emptyTotals(), jobs: 2, succeeded: 1, skipped: 1 };

    it('completes a running run once fanned out with nothing open', () => {
      expect(isRunComplete({ status: 'running', fanOutDone: true, totals: allDone })).toBe(true);
    });

    it('completes a run with zero jobs', () => {
      expect(isRunComplete({ status: 'running', fanOutDone: true, totals: emptyTotals() })).toBe(true);
    });

    it('waits while the fan-out may still add jobs', () => {
      expect(isRunComplete({ status: 'running', fanOutDone: false, totals: allDone })).toBe(false);
    });

    it('waits while a job is open', () => {
      const open = { ...allDone, jobs: 3, running: 1 };
      expect(isRunComplete({ status: 'running', fanOutDone: true, totals: open })).toBe(false);
    });

    it('never completes a run that is queued, completed or cancelled', () => {
      for (const status of ['queued', 'completed', 'cancelled'] as const) {
        expect(isRunComplete({ status, fanOutDone: true, totals: allDone })).toBe(false);
      }
    });
  });
});
