import type { HttpStatus } from '@nestjs/common';
import { HttpException } from '@nestjs/common';

/** One invalid input, named the way the caller wrote it (`gstins[0]`, `clients.ids[2]`, `period.gst`). */
export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details, the body of every error answer. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
  /** Only on 500s: quote it to support; the cause is in the logs under the same id. */
  errorId?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TYPE_BASE = 'https://practice-sync.dev/problems/';

/** Stable problem types; clients may branch on them, so never rename one. */
export enum ProblemType {
  Validation = 'validation-error',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not-found',
  Conflict = 'conflict',
  PayloadTooLarge = 'payload-too-large',
  InvalidJson = 'invalid-json',
  UpstreamUnavailable = 'upstream-unavailable',
  UpstreamTimeout = 'upstream-timeout',
  BadUpstreamResponse = 'bad-upstream-response',
  Internal = 'internal-error',
  UnsupportedMediaType = 'unsupported-media-type',
  RateLimited = 'rate-limited',
  IdempotencyKeyReused = 'idempotency-key-reused',
  IdempotencyKeyInProgress = 'idempotency-key-in-progress',
}

export function problemTypeUri(type: ProblemType): string {
  return `${TYPE_BASE}${type}`;
}

/** A problem the application raises on purpose; the service's filter writes it as-is (plus `instance`). */
export class ProblemException extends HttpException {
  constructor(
    readonly problemType: ProblemType,
    status: HttpStatus,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail, status);
  }
}
