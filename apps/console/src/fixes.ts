/** What a person does about each failure code (the job's errorMessage says what happened). */
export const HOW_TO_FIX: Record<string, string> = {
  credentials_missing:
    "No portal access is stored for this identifier. Add the client's GST username (then its OTP), the firm's e-filing account, or the e-sign API key, then retry.",
  consent_required: 'Ask the taxpayer for the e-filing OTP to give the firm consent, enter it, then retry.',
  otp_required: 'The portal session has lapsed. Enter a fresh OTP for this GSTIN, then retry.',
  auth_failed:
    'The portal refused the stored credentials. Check the username or password and store them again.',
  not_generated_yet:
    'The portal has not generated this yet. Retry after it is published (GSTR-2B: the 14th).',
  portal_unavailable: 'The portal was down. Retry failed in a while.',
  rate_limited: 'The portal asked us to slow down. Retry failed in a few minutes.',
  invalid_response:
    'The portal answered something unexpected. Retry; if it persists, report it with the run id.',
  timeout: 'The portal did not answer in time. Retry failed.',
  internal: 'Something went wrong on our side. Retry; if it persists, report it with the run id.',
  books_not_empty:
    "The branch's books already hold objects, so the snapshot imported nothing. Snapshot into an empty company, or start it again with replace (objects with the head office's GUIDs are altered; nothing is deleted).",
};

export const OUTCOME_LABELS: Record<string, string> = {
  succeeded: 'Synced',
  no_change: 'No change',
  no_data: 'Nothing on the portal',
  partial: 'Partly synced',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};
