import type { RecordCounts, SyncJobCompleted } from '@practice-sync/contracts';

import type { FetchOutcome } from './change-detection';
import type { JobCompletion } from './job-store';
import { isPortalError, PortalError } from './portal-error';
import type { ConnectorJob } from './portal-fetcher';

const ZERO: RecordCounts = { added: 0, updated: 0, removed: 0, unchanged: 0 };

export function unsupportedCategory(category: string): PortalError {
  return new PortalError('internal', `category ${category} is not supported by this connector yet`, {
    retryable: false,
  });
}

/** Anything a fetcher throws that is not a PortalError is a connector bug or an unexpected state. */
export function toPortalError(error: unknown): PortalError {
  if (isPortalError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new PortalError('internal', `unexpected error in the connector: ${detail}`, { cause: error });
}

export interface JobResult {
  completion: JobCompletion;
  retryable: boolean;
  /** A throttled attempt: how long the portal asked to wait before the next call (its Retry-After). */
  retryAfterMs?: number;
}

export function successResult(fetch: FetchOutcome, finishedAt: Date): JobResult {
  return {
    completion: {
      outcome: fetch.outcome,
      errorCode: null,
      errorMessage: null,
      counts: fetch.counts,
      finishedAt,
    },
    retryable: false,
  };
}

export function failureResult(error: PortalError, finishedAt: Date): JobResult {
  return {
    completion: {
      outcome: 'failed',
      errorCode: error.code,
      errorMessage: error.message,
      counts: ZERO,
      finishedAt,
    },
    retryable: error.retryable,
    ...(error.code === 'rate_limited' && error.retryAfterMs !== undefined
      ? { retryAfterMs: Math.max(0, Math.ceil(error.retryAfterMs)) }
      : {}),
  };
}

/** The SyncJobCompleted payload for a finished attempt. */
export function completedEventData(job: ConnectorJob, startedAt: Date, result: JobResult): SyncJobCompleted {
  const { completion } = result;
  return {
    jobId: job.jobId,
    runId: job.runId,
    clientId: job.clientId,
    category: job.category,
    subject: job.subject,
    period: job.period,
    attempt: job.attempt,
    outcome: completion.outcome,
    errorCode: completion.errorCode,
    errorMessage: completion.errorMessage,
    retryable: result.retryable,
    ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
    counts: completion.counts,
    startedAt: startedAt.toISOString(),
    finishedAt: completion.finishedAt.toISOString(),
  };
}
