import type { JobPart, RecordCounts, SyncJobCompleted, TaxpayerResults } from '@practice-sync/contracts';
import { CATALOGUE, isGstPeriod, portalOf } from '@practice-sync/contracts';

import type { FetchOutcome } from './change-detection';
import type { JobCompletion } from './job-store';
import { isPortalError, PortalError } from './portal-error';
import type { ConnectorJob, FetchPart, NormalisedRecord } from './portal-fetcher';
import { upstreamOf } from './upstream';

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
  /** e-sign: per taxpayer of the client file. */
  taxpayers?: TaxpayerResults;
  /** A throttled attempt: how long the portal asked to wait before the next call (its Retry-After). */
  retryAfterMs?: number;
}

const SUBJECT_LABEL = { gstin: 'GSTIN', pan: 'PAN', esignClientFileId: 'client file' } as const;

/** A period as staff write it: GST's `MMYYYY` as MM/YYYY, an assessment year as "AY 2027-28". */
function periodLabel(period: string | null): string {
  if (period === null) return 'any period';
  if (isGstPeriod(period)) return `${period.slice(0, 2)}/${period.slice(2)}`;
  return /^\d{4}-\d{2}$/.test(period) ? `AY ${period}` : period;
}

/**
 * The run log's explanation of a `no_data` job: the portal was read and holds nothing for it — "nothing on the
 * portal for this period: the GST portal has no GSTR-2B (all pages) for GSTIN … in 10/2026", the category named
 * as the Sync Bucket names it, not by id.
 */
export function noDataMessage(job: ConnectorJob, reason?: string): string {
  const subject = `${SUBJECT_LABEL[job.subject.kind]} ${job.subject.value}`;
  const what = CATALOGUE.find((c) => c.id === job.category)?.description ?? job.category;
  const portal = upstreamOf(portalOf(job.category)).name;
  const message = `nothing on the portal for this period: ${portal} has no ${what} for ${subject} in ${periodLabel(job.period)}`;
  return reason ? `${message} (${reason})` : message;
}

/** Each part of a multi-part fetch as the run log shows it: fetched (with its record count) or failed. */
export function partsOf(parts: readonly FetchPart[], records: readonly NormalisedRecord[]): JobPart[] {
  return parts.map((part) => ({
    name: part.name,
    status: part.error ? 'failed' : 'fetched',
    records: part.error ? 0 : records.filter((r) => r.naturalKey.startsWith(part.keyPrefix)).length,
    errorCode: part.error?.code ?? null,
    errorMessage: part.error?.message ?? null,
    retryable: part.error?.retryable ?? false,
  }));
}

/** "kept AIS (4 records), TIS (2 records); 26AS failed: …". */
function partialMessage(parts: readonly JobPart[]): string {
  const kept = parts.filter((p) => p.status === 'fetched');
  const failed = parts.filter((p) => p.status === 'failed');
  const keptText = kept.length
    ? `kept ${kept.map((p) => `${p.name} (${p.records} record${p.records === 1 ? '' : 's'})`).join(', ')}`
    : 'kept nothing';
  const failedText = failed.map((p) => `${p.name} failed: ${p.errorMessage ?? p.errorCode}`).join('; ');
  return `${keptText}; ${failedText}`;
}

/** The result of a fetch that reached the portal (`succeeded`, `no_change`, `no_data` or `partial`). */
export function successResult(
  fetch: Pick<FetchOutcome, 'outcome' | 'counts'>,
  finishedAt: Date,
  job?: ConnectorJob,
  parts: JobPart[] | null = null,
  noDataReason?: string,
): JobResult {
  const failed = parts?.filter((p) => p.status === 'failed') ?? [];
  const partial = fetch.outcome === 'partial' && failed.length > 0;
  const errorMessage = partial
    ? partialMessage(parts ?? [])
    : fetch.outcome === 'no_data' && job
      ? noDataMessage(job, noDataReason)
      : null;
  return {
    completion: {
      outcome: fetch.outcome,
      errorCode: partial ? failed[0].errorCode : null,
      errorMessage,
      counts: fetch.counts,
      parts,
      finishedAt,
    },
    retryable: partial && failed.some((p) => p.retryable),
  };
}

export function failureResult(error: PortalError, finishedAt: Date): JobResult {
  return {
    completion: {
      outcome: 'failed',
      errorCode: error.code,
      errorMessage: error.message,
      counts: ZERO,
      parts: null,
      finishedAt,
    },
    retryable: error.retryable,
    ...(error.code === 'rate_limited' && error.retryAfterMs !== undefined
      ? { retryAfterMs: Math.max(0, Math.ceil(error.retryAfterMs)) }
      : {}),
  };
}

/** The job's identity as every event about it carries it (its result and its records). */
export function jobEventFields(job: ConnectorJob) {
  return {
    jobId: job.jobId,
    runId: job.runId,
    clientId: job.clientId,
    category: job.category,
    subject: job.subject,
    period: job.period,
    attempt: job.attempt,
  };
}

/** The SyncJobCompleted payload for a finished attempt. */
export function completedEventData(job: ConnectorJob, startedAt: Date, result: JobResult): SyncJobCompleted {
  const { completion } = result;
  return {
    ...jobEventFields(job),
    outcome: completion.outcome,
    errorCode: completion.errorCode,
    errorMessage: completion.errorMessage,
    retryable: result.retryable,
    ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
    counts: completion.counts,
    parts: completion.parts,
    startedAt: startedAt.toISOString(),
    finishedAt: completion.finishedAt.toISOString(),
    ...(result.taxpayers ? { taxpayers: result.taxpayers } : {}),
  };
}
