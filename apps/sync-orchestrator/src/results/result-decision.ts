import type { BooksJobCompleted, SyncJobCompleted } from '@practice-sync/contracts';

import { spentAttempts } from '../dispatch/dispatch-policy';
import type { JobBucket } from '../runs/run-totals';
import { bucketOf } from '../runs/run-totals';
import type { SyncJobEntity } from '../runs/sync-job.entity';

export type JobResultPatch = Pick<
  SyncJobEntity,
  | 'status'
  | 'outcome'
  | 'errorCode'
  | 'errorMessage'
  | 'retryable'
  | 'attempts'
  | 'added'
  | 'updated'
  | 'removed'
  | 'unchanged'
  | 'parts'
  | 'taxpayers'
  | 'startedAt'
  | 'finishedAt'
>;

/**
 * What one attempt's result says, whichever connector sent it: a portal connector's SyncJobCompleted as it
 * is, or connector-books' BooksJobCompleted through `fromBooksResult`. Every decision below is taken on this.
 */
export type JobResult = Pick<
  SyncJobCompleted,
  'attempt' | 'outcome' | 'errorCode' | 'errorMessage' | 'retryable' | 'counts' | 'startedAt' | 'finishedAt'
> &
  Partial<Pick<SyncJobCompleted, 'retryAfterMs' | 'parts' | 'taxpayers'>>;

/**
 * A books result in the orchestrator's terms: created/altered/deleted/unchanged are what the job's
 * added/updated/removed/unchanged columns hold for a link (the refused objects are counted apart, see
 * `booksCountsPatch`). Books results have no parts, taxpayers or Retry-After.
 */
export function fromBooksResult(result: BooksJobCompleted): JobResult {
  return {
    attempt: result.attempt,
    outcome: result.outcome,
    errorCode: result.errorCode,
    errorMessage: result.errorMessage,
    retryable: result.retryable,
    counts: {
      added: result.counts.created,
      updated: result.counts.altered,
      removed: result.counts.deleted,
      unchanged: result.counts.unchanged,
    },
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
  };
}

/** The books-only counts of an attempt: held, conflicts, objects the receiver refused and how many were listed. */
export function booksCountsPatch(
  result: BooksJobCompleted,
): Pick<SyncJobEntity, 'objectErrors' | 'failedObjects' | 'booksHeld' | 'booksConflicts'> {
  return {
    objectErrors: result.counts.errors,
    failedObjects: result.failedObjects.length,
    booksHeld: result.counts.held,
    booksConflicts: result.counts.conflicts,
  };
}

export type RetryPatch = Pick<
  SyncJobEntity,
  'status' | 'errorCode' | 'errorMessage' | 'retryable' | 'startedAt' | JobCountColumn
>;

type JobCountColumn = 'added' | 'updated' | 'removed' | 'unchanged';
type JobCounts = Pick<SyncJobEntity, JobCountColumn>;

/**
 * The job's counts after this attempt: what the job changed in all. A partial attempt's records are already
 * published, so its counts stay on the job while it is retried; the next attempt sees those records as
 * unchanged, so they move from its `unchanged` to the job's earlier counts. Jobs start at zero and a failed
 * attempt reports zero, so for every other job this is the attempt's own counts.
 */
export function accumulatedCounts(job: Partial<JobCounts>, result: JobResult): JobCounts {
  const before = { added: job.added ?? 0, updated: job.updated ?? 0, removed: job.removed ?? 0 };
  const now = result.counts;
  return {
    added: before.added + now.added,
    updated: before.updated + now.updated,
    removed: before.removed + now.removed,
    unchanged:
      result.outcome === 'failed'
        ? (job.unchanged ?? 0)
        : Math.max(0, now.unchanged - before.added - before.updated),
  };
}

export type DeferPatch = RetryPatch & Pick<SyncJobEntity, 'deferrals'>;

export type ResultDecision =
  | { kind: 'ignore'; reason: string }
  | { kind: 'apply'; from: JobBucket; to: JobBucket; patch: JobResultPatch }
  /** A retryable failure with attempts left: back to pending, re-dispatched after a back-off. */
  | { kind: 'retry'; from: JobBucket; patch: RetryPatch }
  /** The portal throttled it: back to `pending` until the portal allows (`delayMs`), no attempt spent. */
  | { kind: 'defer'; from: JobBucket; patch: DeferPatch; delayMs: number };

export interface DecisionContext {
  maxAttempts: number;
  /** False once the run is cancelled: nothing is re-dispatched, the failure is recorded as it is. */
  mayRetry: boolean;
  /** Rate-limit re-queues a job may have without spending attempts (default 0: none). */
  maxDeferrals?: number;
  /** The longest wait for a portal's Retry-After (default: no cap). */
  maxDeferMs?: number;
}

/**
 * What a connector's result does to a job. Results arrive at least once and possibly late:
 * - a result for an attempt the job has already recorded (or an older one) changes nothing once done;
 * - a job the orchestrator closed itself (skipped, cancelled) keeps its outcome;
 * - a `rate_limited` failure with the portal's retry time goes back to `pending` for that time without spending
 *   an attempt (up to `maxDeferrals` times, each wait capped at `maxDeferMs`);
 * - a retryable failure with attempts left sends the job back to `pending` (re-dispatched with back-off);
 *   one from an older attempt, while a newer attempt is out or already scheduled, changes nothing;
 * - any other result — success, no change, a permanent failure, a late result of an expired attempt — is final.
 */
export function decideResult(
  job: Pick<SyncJobEntity, 'status' | 'outcome' | 'attempts'> &
    Partial<JobCounts> &
    Partial<Pick<SyncJobEntity, 'deferrals'>>,
  result: JobResult,
  ctx: DecisionContext = { maxAttempts: 1, mayRetry: false },
): ResultDecision {
  if (job.outcome === 'skipped' || job.outcome === 'cancelled') {
    return { kind: 'ignore', reason: `job was already ${job.outcome} by the orchestrator` };
  }
  if (job.status === 'done' && job.attempts >= result.attempt) {
    return { kind: 'ignore', reason: `job already recorded attempt ${job.attempts}` };
  }
  const deferrals = job.deferrals ?? 0;
  const spent = spentAttempts(result.attempt, deferrals);
  // A partial result with a transiently failed part is retried like a failure: the retry fetches every part
  // again and the connector's snapshot makes the kept parts `unchanged`, so nothing is duplicated.
  const retryableFailure = (result.outcome === 'failed' || result.outcome === 'partial') && result.retryable;
  if (retryableFailure && job.status !== 'done') {
    const current = result.attempt >= job.attempts && job.status === 'running';
    if (!current) {
      return {
        kind: 'ignore',
        reason: `attempt ${result.attempt} failed, a newer attempt is already under way`,
      };
    }
    const retryAfterMs = result.errorCode === 'rate_limited' ? result.retryAfterMs : undefined;
    if (ctx.mayRetry && typeof retryAfterMs === 'number' && deferrals < (ctx.maxDeferrals ?? 0)) {
      const delayMs = Math.min(retryAfterMs, ctx.maxDeferMs ?? retryAfterMs);
      const seconds = Math.ceil(delayMs / 1000);
      return {
        kind: 'defer',
        from: bucketOf(job),
        delayMs,
        patch: {
          status: 'pending',
          errorCode: result.errorCode,
          errorMessage: `the portal is throttling requests and allows the next call in ${seconds} s; the job waits for it and goes again (not counted as a failed attempt)`,
          retryable: true,
          startedAt: new Date(result.startedAt),
          ...accumulatedCounts(job, result),
          deferrals: deferrals + 1,
        },
      };
    }
    if (ctx.mayRetry && spent < ctx.maxAttempts) {
      return {
        kind: 'retry',
        from: bucketOf(job),
        patch: {
          status: 'pending',
          errorCode: result.errorCode,
          errorMessage: `attempt ${spent} of ${ctx.maxAttempts} failed (${result.errorMessage ?? result.errorCode}); retrying`,
          retryable: true,
          startedAt: new Date(result.startedAt),
          ...accumulatedCounts(job, result),
        },
      };
    }
  }
  const patch: JobResultPatch = {
    status: 'done',
    outcome: result.outcome,
    errorCode: result.errorCode,
    errorMessage:
      retryableFailure && spent > 1
        ? `${result.errorMessage ?? result.errorCode} (after ${spent} attempts)`
        : result.errorMessage,
    retryable: result.retryable,
    attempts: Math.max(job.attempts, result.attempt),
    // A done job taking a newer attempt's result (an expired attempt re-dispatched) starts from that result.
    ...(job.status === 'done' ? result.counts : accumulatedCounts(job, result)),
    parts: result.parts ?? null,
    taxpayers: result.taxpayers ?? null,
    startedAt: new Date(result.startedAt),
    finishedAt: new Date(result.finishedAt),
  };
  return { kind: 'apply', from: bucketOf(job), to: bucketOf(patch), patch };
}
