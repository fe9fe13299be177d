import type { PortalError } from '@practice-sync/connector-kit';

import { decodeGstEnvelope } from './gst-envelope';

function failure(body: unknown): PortalError {
  try {
    decodeGstEnvelope(body, 'GSTR-2B 032025');
  } catch (e) {
    return e as PortalError;
  }
  throw new Error('expected a failure');
}

describe('decodeGstEnvelope', () => {
  it('returns data on status_cd 1', () => {
    expect(decodeGstEnvelope({ status_cd: '1', data: { fc: 3 } }, 'x')).toEqual({
      kind: 'data',
      data: { fc: 3 },
    });
  });

  it.each(['RET2B1016', 'RET11416', 'RET13508'])('treats %s as "no data", not a failure', (code) => {
    expect(
      decodeGstEnvelope({ status_cd: '0', error: { error_cd: code, message: 'No document found' } }, 'x'),
    ).toEqual({ kind: 'no_data', code });
  });

  it.each([
    ['RET2B1023', 'not_generated_yet', false],
    ['GTR2B-002', 'not_generated_yet', false],
    ['RET12501', 'portal_unavailable', true],
    ['AUTH4038', 'otp_required', false],
    ['AUTH4033', 'otp_required', false],
    ['AUTH4034', 'auth_failed', false],
    ['RET99999', 'invalid_response', false],
  ])('maps %s to %s (retryable %s)', (code, expected, retryable) => {
    const error = failure({ status_cd: '0', error: { error_cd: code, message: 'portal says' } });
    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(code);
  });

  it('rejects an answer that is not a GST envelope', () => {
    expect(failure({ hello: 'world' }).code).toBe('invalid_response');
    expect(failure({ status_cd: '1' }).code).toBe('invalid_response');
  });
});
