import { HttpException, HttpStatus } from '@nestjs/common';

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

/** A problem the application raises on purpose; the filter writes it as-is (plus `instance`). */
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

export class ValidationProblemException extends ProblemException {
  constructor(errors: FieldError[], detail = describeErrors(errors)) {
    super(ProblemType.Validation, HttpStatus.BAD_REQUEST, 'The request is not valid', detail, errors);
  }
}

export class NotFoundProblemException extends ProblemException {
  constructor(detail: string) {
    super(ProblemType.NotFound, HttpStatus.NOT_FOUND, 'Not found', detail);
  }
}

/** A problem+json answer from an internal service, passed through to the caller with its status. */
export class UpstreamProblemException extends HttpException {
  constructor(readonly problem: Problem) {
    super(problem.detail, problem.status);
  }
}

function describeErrors(errors: FieldError[]): string {
  const first = errors[0];
  if (!first) return 'The request is not valid.';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${first.field}: ${first.message}${more}`;
}
