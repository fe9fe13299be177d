import type { SyncJobCompleted } from '@practice-sync/contracts';

import type { JobBucket } from '../sync-runs/run-totals';
import { bucketOf } from '../sync-runs/run-totals';
import type { SyncJobEntity } from '../sync-runs/sync-job.entity';

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
  | 'startedAt'
  | 'finishedAt'
>;

export type ResultDecision =
  | { kind: 'ignore'; reason: string }
  | { kind: 'apply'; from: JobBucket; to: JobBucket; patch: JobResultPatch };

/**
 * What a connector's result does to a job. Results arrive at least once and possibly late, so a result for
 * an attempt the job has already recorded (or an older one) changes nothing; a job the orchestrator closed
 * itself (skipped, cancelled) keeps its outcome.
 */
export function decideResult(
  job: Pick<SyncJobEntity, 'status' | 'outcome' | 'attempts'>,
  result: SyncJobCompleted,
): ResultDecision {
  if (job.outcome === 'skipped' || job.outcome === 'cancelled') {
    return { kind: 'ignore', reason: `job was already ${job.outcome} by the orchestrator` };
  }
  if (job.status === 'done' && job.attempts >= result.attempt) {
    return { kind: 'ignore', reason: `job already recorded attempt ${job.attempts}` };
  }
  const patch: JobResultPatch = {
    status: 'done',
    outcome: result.outcome,
    errorCode: result.errorCode,
    errorMessage: result.errorMessage,
    retryable: result.retryable,
    attempts: Math.max(job.attempts, result.attempt),
    ...result.counts,
    startedAt: new Date(result.startedAt),
    finishedAt: new Date(result.finishedAt),
  };
  return { kind: 'apply', from: bucketOf(job), to: bucketOf(patch), patch };
}
