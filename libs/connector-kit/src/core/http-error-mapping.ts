import type { z } from 'zod';

import { PortalError } from './portal-error';

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: Date = new Date(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/**
 * The failure an HTTP status means, or null for 2xx. A failed list call is never read as "no data": every
 * non-2xx answer becomes a PortalError.
 */
export function errorForHttpStatus(
  status: number,
  retryAfter: string | null,
  what: string,
): PortalError | null {
  if (status >= 200 && status < 300) return null;
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    const wait = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
    return new PortalError('rate_limited', `the portal is throttling requests for ${what}${wait}`, {
      retryAfterMs,
    });
  }
  if (status === 401 || status === 403) {
    return new PortalError(
      'auth_failed',
      `the portal refused access to ${what} (HTTP ${status}); check the portal credentials and consent`,
    );
  }
  if (status === 408) return new PortalError('timeout', `the portal timed out serving ${what} (HTTP 408)`);
  if (status >= 500) {
    return new PortalError(
      'portal_unavailable',
      `the portal failed serving ${what} (HTTP ${status}); it will be retried`,
    );
  }
  return new PortalError('invalid_response', `the portal answered HTTP ${status} for ${what}`);
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function fieldOf(value: unknown, field: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
}

/** The network-level code behind a fetch failure (undici puts it on `cause`). */
export function networkErrorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 4; e = fieldOf(e, 'cause'), depth++) {
    const code = fieldOf(e, 'code');
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Maps an exception thrown by `fetch` (or while reading the body) to the taxonomy. */
export function errorForFetchFailure(error: unknown, what: string, timeoutMs: number): PortalError {
  const name = fieldOf(error, 'name');
  if (name === 'TimeoutError') {
    return new PortalError(
      'timeout',
      `the portal did not answer ${what} within ${Math.round(timeoutMs / 1000)} s`,
      {
        cause: error,
      },
    );
  }
  const code = networkErrorCode(error);
  const reason = code && CONNECTION_CODES.has(code) ? `connection failed (${code})` : 'network error';
  return new PortalError('portal_unavailable', `the portal could not be reached for ${what}: ${reason}`, {
    cause: error,
  });
}

/** Parses a JSON body; anything else is an invalid response, never "no data". */
export function parseJsonBody(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return raiseInvalid(`the portal answered ${what} with something that is not JSON`, error);
  }
}

/** Checks a decoded body against the shape the connector relies on. */
export function parseShape<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
  return raiseInvalid(
    `the portal's answer for ${what} has an unexpected shape${at}: ${issue?.message ?? 'invalid'}`,
    result.error,
  );
}

function raiseInvalid(message: string, cause: unknown): never {
  throw new PortalError('invalid_response', message, { cause });
}
