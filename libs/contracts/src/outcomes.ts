/** Job outcomes and the failure taxonomy (DESIGN.md, "Job outcomes"). Extend with care, never rename. */
export const JobOutcomes = ['succeeded', 'no_change', 'failed', 'skipped', 'cancelled'] as const;
export type JobOutcome = (typeof JobOutcomes)[number];

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
};

export const RunStatuses = ['queued', 'running', 'completed', 'cancelled'] as const;
export type RunStatus = (typeof RunStatuses)[number];

export const JobStatuses = ['pending', 'running', 'done'] as const;
export type JobStatus = (typeof JobStatuses)[number];

export interface RecordCounts {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
}
