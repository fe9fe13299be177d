import type { Response } from 'express';

import type { Portal } from './portal';

/**
 * Error bodies in each portal family's own dialect. GST answers HTTP 200 with `status_cd: "0"` for its
 * errors; the e-filing portal uses `{ successFlag: false, httpStatus, errors }`; e-sign uses problem+json.
 */
export const GST_CODES = {
  systemFailure: { error_cd: 'RET12501', message: 'System Failure' },
  invalidOtp: { error_cd: 'AUTH4034', message: 'Invalid OTP' },
  invalidSession: { error_cd: 'AUTH4033', message: 'Invalid Session' },
  notGenerated: { error_cd: 'RET2B1023', message: 'GSTR-2B is not generated yet for the return period' },
  noDocument: { error_cd: 'RET2B1016', message: 'No document found' },
  // Sandbox-chosen codes (the real GSTN codes for these cases are unconfirmed).
  invalidRequest: { error_cd: 'SBX4000', message: 'Invalid request' },
  rateLimited: { error_cd: 'SBX4290', message: 'Too many requests' },
} as const;

export type GstErrorBody = { status_cd: '0'; error: { error_cd: string; message: string } };

export function gstError(code: { error_cd: string; message: string }, message?: string): GstErrorBody {
  return { status_cd: '0', error: { error_cd: code.error_cd, message: message ?? code.message } };
}

const HTTP_STATUS_NAMES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
};

export function itrError(status: number, desc: string, code = `EFL${status}`): Record<string, unknown> {
  return {
    successFlag: false,
    httpStatus: HTTP_STATUS_NAMES[status] ?? String(status),
    messages: [],
    errors: [{ code, desc }],
  };
}

/** A successful e-filing answer. */
export function itrOk(data: unknown, messages: unknown[] = []): Record<string, unknown> {
  return { successFlag: true, httpStatus: 'OK', messages, errors: [], data };
}

function esignProblem(
  status: number,
  title: string,
  detail: string,
  instance: string,
): Record<string, unknown> {
  return { type: `https://practice-sync.dev/problems/esign-${status}`, title, status, detail, instance };
}

/** Answers a rate-limited request (429) in the portal's dialect. */
export function sendRateLimited(
  portal: Portal,
  res: Response,
  retryAfterSeconds: number,
  instance: string,
): void {
  res.setHeader('Retry-After', String(retryAfterSeconds));
  const detail = `Rate limit exceeded; retry after ${retryAfterSeconds} s`;
  if (portal === 'gst') res.status(429).json(gstError(GST_CODES.rateLimited, detail));
  else if (portal === 'itr') res.status(429).json(itrError(429, detail));
  else
    res
      .status(429)
      .type('application/problem+json')
      .send(esignProblem(429, 'Too Many Requests', detail, instance));
}

/** Answers an injected transient failure: RET12501 (HTTP 200) for GST, HTTP 500 for the others. */
export function sendInjectedError(portal: Portal, res: Response, instance: string): void {
  if (portal === 'gst') res.status(200).json(gstError(GST_CODES.systemFailure));
  else if (portal === 'itr') res.status(500).json(itrError(500, 'Internal server error'));
  else {
    const body = esignProblem(500, 'Internal Server Error', 'Temporary failure; try again', instance);
    res.status(500).type('application/problem+json').send(body);
  }
}
