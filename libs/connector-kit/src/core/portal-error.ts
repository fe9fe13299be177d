import type { FailureCode } from '@practice-sync/contracts';
import { RETRYABLE } from '@practice-sync/contracts';

export interface PortalErrorOptions {
  /** From `Retry-After` on a 429; a hint for the orchestrator's backoff. */
  retryAfterMs?: number;
  /** Overrides the taxonomy's default (e.g. an `internal` error that retrying cannot fix). */
  retryable?: boolean;
  cause?: unknown;
  /** The technical cause for the logs (network code, errno, syscall): never in the message staff read. */
  details?: PortalErrorDetails;
}

export type PortalErrorDetails = Readonly<Record<string, string | number>>;

/**
 * A failure a fetcher reports for a job: a code from the taxonomy plus a human message that says what
 * happened and what to do. The message ends up in the run log, so it never contains a secret.
 */
export class PortalError extends Error {
  readonly retryAfterMs?: number;
  readonly retryable: boolean;
  readonly details?: PortalErrorDetails;

  constructor(
    readonly code: FailureCode,
    message: string,
    options: PortalErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PortalError';
    this.retryAfterMs = options.retryAfterMs;
    this.retryable = options.retryable ?? RETRYABLE[code];
    this.details = options.details;
  }
}

export function isPortalError(value: unknown): value is PortalError {
  return value instanceof PortalError;
}
