import type { RunTotals } from '@practice-sync/contracts';

import type { ProgressLogger, ProgressRun } from './run-progress-log';
import { RunProgressLog } from './run-progress-log';
import type { JobBucket } from './run-totals';
import { addJobs, emptyTotals, moveJob } from './run-totals';

const RUN: ProgressRun = {
  id: '01936f6e-0000-7000-8000-000000000001',
  firmId: 'firm-1',
  fanOutDoneAt: new Date('2026-11-22T10:00:00.000Z'),
};

/** The INFO lines written, as a person reading the log sees them. */
class FakeLogger implements ProgressLogger {
  readonly lines: { message: string; fields: Record<string, unknown> }[] = [];
  log(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ message, fields });
  }
  messages(): string[] {
    return this.lines.map((l) => l.message);
  }
}

/** A run of `jobs` jobs, all pending. */
function planned(jobs: number): RunTotals {
  return addJobs(emptyTotals(), Array<JobBucket>(jobs).fill('pending'));
}

/** `n` jobs finish with `to` (from pending, as the totals count them). */
function finish(totals: RunTotals, n: number, to: JobBucket = 'succeeded'): RunTotals {
  let next = totals;
  for (let i = 0; i < n; i++) next = moveJob(next, 'pending', to);
  return next;
}

describe('RunProgressLog', () => {
  let logger: FakeLogger;
  let progress: RunProgressLog;

  beforeEach(() => {
    logger = new FakeLogger();
    progress = new RunProgressLog(logger);
  });

  it('logs the start and only the highest boundary when one move jumps from 0 to 35%', () => {
    const before = planned(20);
    const after = finish(finish(before, 5), 2, 'failed');
    progress.moved(RUN, before, after);
    expect(logger.messages()).toEqual(['run progress: first job finished', 'run progress: 30%']);
    expect(logger.lines[1].fields).toEqual({
      runId: RUN.id,
      firmId: 'firm-1',
      progress: 'progress',
      boundary: 30,
      done: 7,
      total: 20,
      percent: 35,
      succeeded: 5,
      noChange: 0,
      failed: 2,
      skipped: 0,
      cancelled: 0,
      noData: 0,
      partial: 0,
    });
  });

  it('logs each 10% once and the end once as jobs finish one by one', () => {
    let totals = planned(20);
    for (let i = 0; i < 20; i++) {
      const next = finish(totals, 1, i % 3 === 0 ? 'noChange' : 'succeeded');
      progress.moved(RUN, totals, next);
      totals = next;
    }
    expect(logger.messages()).toEqual([
      'run progress: first job finished',
      ...[10, 20, 30, 40, 50, 60, 70, 80, 90].map((p) => `run progress: ${p}%`),
      'run progress: all work finished',
    ]);
    expect(logger.lines.at(-1)?.fields).toMatchObject({ done: 20, total: 20, percent: 100, noChange: 7 });
  });

  it('logs the end once: a later move of a finished run, or a redelivered move, logs nothing', () => {
    const before = finish(planned(4), 3);
    const done = finish(before, 1, 'failed');
    progress.moved(RUN, before, done);
    expect(logger.messages()).toEqual(['run progress: all work finished']);

    progress.moved(RUN, done, done); // the same result delivered again: the totals did not move
    progress.moved(RUN, done, moveJob(done, 'failed', 'succeeded')); // a late success after a failure
    progress.moved(RUN, done, moveJob(done, 'failed', 'skipped')); // less work, all of it still finished
    expect(logger.messages()).toEqual(['run progress: all work finished']);
  });

  it('logs the end when the last open job turns out to be skipped (no more work, none finished now)', () => {
    const before = moveJob(finish(planned(3), 2), 'pending', 'running');
    progress.moved(RUN, before, moveJob(before, 'running', 'skipped'));
    expect(logger.lines.map((l) => [l.message, l.fields.done, l.fields.total, l.fields.skipped])).toEqual([
      ['run progress: all work finished', 2, 2, 1],
    ]);
  });

  it('logs only the start while the fan-out may still add jobs (the percentage could fall back)', () => {
    const fanningOut = { ...RUN, fanOutDoneAt: null };
    const before = planned(2);
    const half = finish(before, 1);
    progress.moved(fanningOut, before, half);
    progress.moved(fanningOut, half, finish(half, 1));
    expect(logger.messages()).toEqual(['run progress: first job finished']);
  });
});
