import type { JobOutcome, JobStatus, RunStatus, RunTotals } from '@practice-sync/contracts';

import type { SyncRunEntity } from './sync-run.entity';

/** The totals derived from the counters (never stored): the run's work is every job but the skipped ones. */
type DerivedTotals = 'work' | 'workFinished';
export type RunCounters = Omit<RunTotals, DerivedTotals>;

/** The totals counter a job is counted in: its status while open, its outcome once done. */
export type JobBucket = Exclude<keyof RunCounters, 'jobs'>;

const OUTCOME_BUCKET: Record<JobOutcome, JobBucket> = {
  succeeded: 'succeeded',
  no_change: 'noChange',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
  no_data: 'noData',
  partial: 'partial',
};

/**
 * The public totals of the counters. A skipped job (a category the client cannot have) is neither work done
 * nor work pending: `work` leaves it out and `workFinished` counts the work that reached an outcome.
 */
export function withWork(counters: RunCounters): RunTotals {
  const work = counters.jobs - counters.skipped;
  return { ...counters, work, workFinished: work - counters.pending - counters.running };
}

export function emptyTotals(): RunTotals {
  return withWork({
    jobs: 0,
    pending: 0,
    running: 0,
    succeeded: 0,
    noChange: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
    noData: 0,
    partial: 0,
  });
}

export function bucketOf(job: { status: JobStatus; outcome: JobOutcome | null }): JobBucket {
  if (job.status !== 'done') return job.status;
  if (job.outcome === null) throw new Error('a done job must have an outcome');
  return OUTCOME_BUCKET[job.outcome];
}

/** Totals after adding new jobs to a run. */
export function addJobs(totals: RunTotals, buckets: readonly JobBucket[]): RunTotals {
  const next = { ...totals, jobs: totals.jobs + buckets.length };
  for (const bucket of buckets) next[bucket] += 1;
  return withWork(next);
}

/** Totals after one job moved from one counter to another (e.g. running → failed, or failed → succeeded). */
export function moveJob(totals: RunTotals, from: JobBucket, to: JobBucket): RunTotals {
  if (from === to) return totals;
  if (totals[from] <= 0) throw new Error(`run totals are inconsistent: no job counted as ${from}`);
  return withWork({ ...totals, [from]: totals[from] - 1, [to]: totals[to] + 1 });
}

/** Jobs that have not reached a terminal outcome yet. */
export function openJobs(totals: RunTotals): number {
  return totals.pending + totals.running;
}

/**
 * A running run completes once its fan-out has finished and no job is open. Before the fan-out finishes
 * more jobs may still come, so an early "all done" must not complete it.
 */
export function isRunComplete(run: { status: RunStatus; fanOutDone: boolean; totals: RunTotals }): boolean {
  return run.status === 'running' && run.fanOutDone && openJobs(run.totals) === 0;
}

/**
 * The terminal change a run takes now, if any: a running run completes once its fan-out is done and no job
 * is open; a cancelled run is finished (its terminal event sent) once its in-flight jobs have reported.
 */
export function terminalChangeOf(run: {
  status: RunStatus;
  fanOutDone: boolean;
  finished: boolean;
  totals: RunTotals;
}): 'completed' | 'cancelled' | null {
  if (isRunComplete(run)) return 'completed';
  if (run.status === 'cancelled' && !run.finished && openJobs(run.totals) === 0) return 'cancelled';
  return null;
}

/** The run row's totals columns (the derived `work` figures are not stored). */
export type TotalsColumns = Pick<
  SyncRunEntity,
  | 'jobsTotal'
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'noChange'
  | 'failed'
  | 'skipped'
  | 'cancelled'
  | 'noData'
  | 'partial'
>;

export function totalsOf(run: TotalsColumns): RunTotals {
  return withWork({
    jobs: run.jobsTotal,
    pending: run.pending,
    running: run.running,
    succeeded: run.succeeded,
    noChange: run.noChange,
    failed: run.failed,
    skipped: run.skipped,
    cancelled: run.cancelled,
    noData: run.noData,
    partial: run.partial,
  });
}

/** The run's totals columns for an update (the derived `work` figures are not stored). */
export function totalsColumns(totals: RunTotals): TotalsColumns {
  const { jobs, work: _work, workFinished: _workFinished, ...rest } = totals;
  return { jobsTotal: jobs, ...rest };
}
