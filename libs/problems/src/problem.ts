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
  /** A period the portal cannot hold data for yet (in the future); the problem names the latest valid one. */
  PeriodNotAvailable = 'period-not-available',
  /** A run's tags, offices or client ids that select no client of the firm. */
  SelectionMatchesNothing = 'selection-matches-nothing',
  /** Text no database can store: a NUL character or a lone UTF-16 surrogate. */
  UnstorableText = 'unstorable-text',
  PortalRefused = 'portal-refused',
  PortalUnavailable = 'portal-unavailable',
  BadRequest = 'bad-request',
  MethodNotAllowed = 'method-not-allowed',
  NotAcceptable = 'not-acceptable',
  Unprocessable = 'unprocessable',
  /** Any other HTTP error without a more specific type. */
  HttpError = 'http-error',
}

/** `…/problems/<code>`: a `ProblemType`, or a service's own code in the same space. */
export function problemTypeUri(type: string): string {
  return `${TYPE_BASE}${type}`;
}

const TYPE_BY_STATUS: Partial<Record<number, ProblemType>> = {
  400: ProblemType.BadRequest,
  401: ProblemType.Unauthorized,
  403: ProblemType.Forbidden,
  404: ProblemType.NotFound,
  405: ProblemType.MethodNotAllowed,
  406: ProblemType.NotAcceptable,
  409: ProblemType.Conflict,
  413: ProblemType.PayloadTooLarge,
  415: ProblemType.UnsupportedMediaType,
  422: ProblemType.Unprocessable,
  429: ProblemType.RateLimited,
  500: ProblemType.Internal,
  502: ProblemType.BadUpstreamResponse,
  503: ProblemType.UpstreamUnavailable,
  504: ProblemType.UpstreamTimeout,
};

/**
 * The project's type URI for an error that carries only an HTTP status (a framework 404, 405…): every problem
 * has one of our types, never `about:blank`.
 */
export function problemTypeUriForStatus(status: number): string {
  return problemTypeUri(
    TYPE_BY_STATUS[status] ?? (status >= 500 ? ProblemType.Internal : ProblemType.HttpError),
  );
}
