/**
 * Job outcomes and the failure taxonomy (DESIGN.md, "Job outcomes"). Extend with care (append only), never
 * rename or reorder.
 * - `no_data`: fetched, and the portal holds nothing for this subject and period (never a success with data);
 * - `partial`: a category made of several parts (AIS, TIS and Form 26AS) where some parts were fetched and kept
 *   and at least one failed; `parts` on the job says which, with each failure's code and reason.
 */
export const JobOutcomes = [
  'succeeded',
  'no_change',
  'failed',
  'skipped',
  'cancelled',
  'no_data',
  'partial',
] as const;
export type JobOutcome = (typeof JobOutcomes)[number];

/** What a person reads for each outcome (run logs, the demo, a console). */
export const OUTCOME_LABELS: Record<JobOutcome, string> = {
  succeeded: 'synced, with changes',
  no_change: 'no change since the last sync',
  no_data: 'nothing on the portal for this period',
  partial: 'partly synced: some parts failed (see parts)',
  failed: 'failed',
  skipped: 'skipped (not applicable to this client)',
  cancelled: 'cancelled',
};

export const FailureCodes = [
  'credentials_missing',
  /** The firm's account is in place but the taxpayer's consent (e-filing OTP) is not: a person must ask. */
  'consent_required',
  'otp_required',
  'auth_failed',
  'not_generated_yet',
  'portal_unavailable',
  'rate_limited',
  'invalid_response',
  'timeout',
  'internal',
  /** Branch sync: held changes expired before the receiving books took them; a new sync (snapshot) is needed. */
  'hold_expired',
  /** A books snapshot into a company whose books already hold objects, without `replace: true`. */
  'books_not_empty',
] as const;
export type FailureCode = (typeof FailureCodes)[number];

/** Whether the orchestrator may re-dispatch a job that failed with this code. */
export const RETRYABLE: Record<FailureCode, boolean> = {
  credentials_missing: false,
  consent_required: false,
  otp_required: false,
  auth_failed: false,
  not_generated_yet: false,
  portal_unavailable: true,
  rate_limited: true,
  invalid_response: false,
  timeout: true,
  internal: true,
  hold_expired: false,
  books_not_empty: false,
};

export const RunStatuses = ['queued', 'running', 'completed', 'cancelled'] as const;
export type RunStatus = (typeof RunStatuses)[number];

export const JobStatuses = ['pending', 'running', 'done'] as const;
export type JobStatus = (typeof JobStatuses)[number];

/** One part of a multi-part category (e.g. `AIS` of `itr.ais_tis_26as`) as a job fetched it. */
export interface JobPart {
  name: string;
  status: 'fetched' | 'failed';
  /** Records the part holds on the portal (0 when it failed). */
  records: number;
  errorCode: FailureCode | null;
  errorMessage: string | null;
  /** Whether the part's failure may pass on a later attempt. */
  retryable: boolean;
}

export interface RecordCounts {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
}
