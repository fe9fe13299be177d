import { RETRYABLE } from '@practice-sync/contracts';
import { z } from 'zod';

import {
  errorForFetchFailure,
  errorForHttpStatus,
  parseJsonBody,
  parseRetryAfter,
  parseShape,
} from './http-error-mapping';
import { PortalError } from './portal-error';

function thrown(fn: () => unknown): PortalError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PortalError) return e;
    throw e;
  }
  throw new Error('expected a PortalError');
}

describe('HTTP error mapping', () => {
  it.each([
    [200, null],
    [204, null],
    [429, 'rate_limited'],
    [401, 'auth_failed'],
    [403, 'auth_failed'],
    [408, 'timeout'],
    [500, 'portal_unavailable'],
    [502, 'portal_unavailable'],
    [503, 'portal_unavailable'],
    [400, 'invalid_response'],
    [404, 'invalid_response'],
  ])('HTTP %i → %s', (status, code) => {
    const error = errorForHttpStatus(status, null, 'GSTR-2B 032025');
    expect(error?.code ?? null).toBe(code);
    if (error) expect(error.retryable).toBe(RETRYABLE[error.code]);
  });

  it('makes server errors and throttling retryable but not refusals', () => {
    expect(errorForHttpStatus(500, null, 'x')?.retryable).toBe(true);
    expect(errorForHttpStatus(429, null, 'x')?.retryable).toBe(true);
    expect(errorForHttpStatus(401, null, 'x')?.retryable).toBe(false);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(errorForHttpStatus(429, '30', 'x')?.retryAfterMs).toBe(30_000);
    expect(errorForHttpStatus(429, '30', 'x')?.message).toContain('retry after 30 s');
    const now = new Date('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('maps refused and reset connections to portal_unavailable', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }),
    });
    expect(errorForFetchFailure(refused, 'x', 1000)).toMatchObject({
      code: 'portal_unavailable',
      retryable: true,
      details: { failure: 'refused', networkCode: 'ECONNREFUSED' },
    });
    expect(errorForFetchFailure(refused, 'x', 1000).message).not.toContain('ECONNREFUSED');
    expect(errorForFetchFailure(reset, 'x', 1000).code).toBe('portal_unavailable');
  });

  it('maps a per-call timeout to timeout', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(errorForFetchFailure(timeout, 'x', 5000)).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('never reads a body that is not JSON as "no data"', () => {
    expect(thrown(() => parseJsonBody('<html>Maintenance</html>', 'x'))).toMatchObject({
      code: 'invalid_response',
      retryable: false,
    });
    expect(parseJsonBody('{"a":1}', 'x')).toEqual({ a: 1 });
  });

  it('rejects an unexpected shape with the path of the problem', () => {
    const schema = z.object({ items: z.array(z.object({ id: z.string() })) });
    const error = thrown(() => parseShape(schema, { items: [{ id: 7 }] }, 'the list'));
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('items.0.id');
  });
});
