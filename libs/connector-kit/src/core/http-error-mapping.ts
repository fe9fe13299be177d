import { compiledSafeParse } from '@practice-sync/contracts';
import type { z } from 'zod';

import type { PortalErrorDetails } from './portal-error';
import { PortalError } from './portal-error';
import type { Upstream } from './upstream';
import { ANY_PORTAL, sentence, upstreamLabel } from './upstream';

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
  target: CallTarget = {},
): PortalError | null {
  if (status >= 200 && status < 300) return null;
  const who = upstreamLabel(target.upstream ?? ANY_PORTAL, target.url);
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    const wait = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
    return new PortalError('rate_limited', `${who} is throttling requests for ${what}${wait}`, {
      retryAfterMs,
    });
  }
  if (status === 401 || status === 403) {
    const { whenRefused } = target.upstream ?? ANY_PORTAL;
    return new PortalError(
      'auth_failed',
      `${sentence(who)} refused access to ${what} (HTTP ${status}). ${whenRefused}`,
    );
  }
  if (status === 408) return new PortalError('timeout', `${who} timed out serving ${what} (HTTP 408)`);
  if (status >= 500) {
    return new PortalError(
      'portal_unavailable',
      `${who} failed serving ${what} (HTTP ${status}); it will be retried`,
    );
  }
  return new PortalError('invalid_response', `${who} answered HTTP ${status} for ${what}`);
}

/** How a call failed to get an answer, in the words of the message staff read. */
export type NetworkFailureKind =
  | 'timeout'
  | 'refused'
  | 'reset'
  | 'connect_timeout'
  | 'dns'
  | 'no_route'
  | 'other';

const KIND_BY_CODE: ReadonlyMap<string, NetworkFailureKind> = new Map([
  ['ECONNREFUSED', 'refused'],
  ['ECONNRESET', 'reset'],
  ['EPIPE', 'reset'],
  ['UND_ERR_SOCKET', 'reset'],
  ['UND_ERR_CLOSED', 'reset'],
  ['ETIMEDOUT', 'connect_timeout'],
  ['UND_ERR_CONNECT_TIMEOUT', 'connect_timeout'],
  ['ENOTFOUND', 'dns'],
  ['EAI_AGAIN', 'dns'],
  ['EHOSTUNREACH', 'no_route'],
  ['ENETUNREACH', 'no_route'],
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

/** The first `field` along the cause chain that is a string or a number. */
function causeField(error: unknown, field: string): string | number | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 4; e = fieldOf(e, 'cause'), depth++) {
    const value = fieldOf(e, field);
    if (typeof value === 'string' || typeof value === 'number') return value;
  }
  return undefined;
}

/** The kind of a failure thrown by the transport: a per-call timeout, or by its network code. */
export function networkFailureKind(error: unknown): NetworkFailureKind {
  if (fieldOf(error, 'name') === 'TimeoutError') return 'timeout';
  const code = networkErrorCode(error);
  return (code && KIND_BY_CODE.get(code)) || 'other';
}

/** Who was called, for the message: the connector's upstream and the URL called (a books server's host). */
export interface CallTarget {
  upstream?: Upstream;
  url?: string;
}

/**
 * Maps an exception thrown by `fetch` (or while reading the body) to the taxonomy. The message says, in words,
 * which upstream failed and how, and what staff do about it; the technical cause (network code, errno,
 * syscall) stays in `details` for the logs, never in the message (it reaches the run log and the console).
 */
export function errorForFetchFailure(
  error: unknown,
  what: string,
  timeoutMs: number,
  target: CallTarget = {},
): PortalError {
  const upstream = target.upstream ?? ANY_PORTAL;
  const who = upstreamLabel(upstream, target.url);
  const kind = networkFailureKind(error);
  const details = networkDetails(error, kind);
  const seconds = Math.round(timeoutMs / 1000);
  const failed: Record<NetworkFailureKind, string> = {
    timeout: `${who} did not answer ${what} within ${seconds} s`,
    refused: `${who} did not answer ${what} (connection refused)`,
    reset: `${who} closed the connection during ${what} (connection reset)`,
    connect_timeout: `${who} did not accept a connection for ${what} in time (no answer to connect)`,
    dns: `${who} could not be found for ${what} (its name does not resolve)`,
    no_route: `${who} could not be reached for ${what} (no network route to it)`,
    other: `${who} could not be reached for ${what} (network error)`,
  };
  const advice = kind === 'dns' ? upstream.whenNotFound : upstream.whenUnreachable;
  const message = `${sentence(failed[kind])}. ${advice}`;
  return new PortalError(kind === 'timeout' ? 'timeout' : 'portal_unavailable', message, {
    cause: error,
    details,
  });
}

/** What an SRE needs to tell one network failure from another (undici's and Node's codes), for the logs. */
function networkDetails(error: unknown, kind: NetworkFailureKind): PortalErrorDetails {
  const details: Record<string, string | number> = { failure: kind };
  const code = networkErrorCode(error);
  if (code) details.networkCode = code;
  for (const field of ['errno', 'syscall'] as const) {
    const value = causeField(error, field);
    if (value !== undefined) details[field] = value;
  }
  const name = fieldOf(error, 'name');
  if (typeof name === 'string') details.errorName = name;
  return details;
}

/** Parses a JSON body; anything else is an invalid response, never "no data". */
export function parseJsonBody(text: string, what: string, target: CallTarget = {}): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const who = upstreamLabel(target.upstream ?? ANY_PORTAL, target.url);
    return raiseInvalid(`${who} answered ${what} with something that is not JSON`, error);
  }
}

/**
 * Checks a decoded body against the shape the connector relies on. `owned`: the body is JSON.parse's output (or a
 * part of it) that nothing reads after this call; zod's answer is then made in the body itself by a compiled
 * validator (`compiledSafeParse`), several times faster for large answers such as a GSTR-2B. Keep it off where
 * the caller reads the raw body again (say for error codes the schema does not declare): the keys the schema
 * strips are removed from it.
 */
export function parseShape<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  body: unknown,
  what: string,
  options: { owned?: boolean } = {},
): T {
  const result = options.owned ? compiledSafeParse(schema, { owned: true })(body) : schema.safeParse(body);
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
