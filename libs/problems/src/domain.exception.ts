import { HttpException, HttpStatus } from '@nestjs/common';

import type { FieldError, Problem } from './problem';
import { ProblemType, problemTypeUri } from './problem';

/** What a domain exception says; `code` names the problem type (`…/problems/<code>`). */
export interface DomainExceptionInit<Code extends string> {
  code: Code;
  status: number;
  title: string;
  detail: string;
  errors?: FieldError[];
  /** Response headers the answer carries, e.g. `Retry-After`. */
  headers?: Record<string, string>;
  /** Further members of the problem body (an upstream problem's, e.g. `errorId`). */
  extras?: Record<string, unknown>;
  /** The full type URI when it is not one of ours (an upstream problem passed through). */
  type?: string;
}

/**
 * The base of every error a service raises on purpose (twenty's `CustomException<Code>`): a code from an enum
 * and what the caller needs to fix it. The one `ProblemFilter` writes it as problem+json as-is.
 */
export class DomainException<Code extends string = ProblemType> extends HttpException {
  readonly code: Code;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly errors?: FieldError[];
  readonly headers: Record<string, string>;
  readonly extras: Record<string, unknown>;

  constructor(init: DomainExceptionInit<Code>) {
    super(init.detail, init.status);
    this.code = init.code;
    this.type = init.type ?? problemTypeUri(init.code);
    this.title = init.title;
    this.detail = init.detail;
    if (init.errors) this.errors = init.errors;
    this.headers = init.headers ?? {};
    this.extras = init.extras ?? {};
  }

  /** Kept for callers written against the first vocabulary. */
  get problemType(): Code {
    return this.code;
  }
}

/** A problem of our own vocabulary, positional: `new ProblemException(ProblemType.Conflict, 409, …)`. */
export class ProblemException extends DomainException<ProblemType> {
  constructor(
    code: ProblemType,
    status: HttpStatus | number,
    title: string,
    detail: string,
    errors?: FieldError[],
  ) {
    super({ code, status, title, detail, errors });
  }
}

/** 400 naming each bad field; the detail names the first (and how many more). */
export class ValidationProblem extends ProblemException {
  constructor(
    errors: FieldError[],
    detail = describeFieldErrors(errors),
    title = 'The request is not valid',
  ) {
    super(ProblemType.Validation, HttpStatus.BAD_REQUEST, title, detail, errors);
  }
}

export class NotFoundProblem extends ProblemException {
  constructor(detail: string, title = 'Not found') {
    super(ProblemType.NotFound, HttpStatus.NOT_FOUND, title, detail);
  }
}

export class ConflictProblem extends ProblemException {
  constructor(detail: string) {
    super(ProblemType.Conflict, HttpStatus.CONFLICT, 'Conflict', detail);
  }
}

const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'errors']);

/**
 * A problem+json answer of an internal service, passed on unchanged (status, type, title, detail, errors and
 * any other member); only `instance` becomes the caller's path.
 */
export class UpstreamProblem extends DomainException<string> {
  constructor(problem: Problem & Record<string, unknown>) {
    const extras = Object.fromEntries(Object.entries(problem).filter(([k]) => !PROBLEM_MEMBERS.has(k)));
    super({
      code: problem.type.slice(problem.type.lastIndexOf('/') + 1),
      type: problem.type,
      status: problem.status,
      title: problem.title,
      detail: problem.detail,
      errors: problem.errors,
      extras,
    });
  }
}

/** Whether a parsed body is a problem (RFC 9457) we can pass on. */
export function isProblem(body: unknown): body is Problem & Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.title === 'string' && typeof b.status === 'number' && typeof b.type === 'string';
}

/** `gstins[0]: must be 15 characters (and 2 more)`. */
export function describeFieldErrors(errors: FieldError[]): string {
  const first = errors[0];
  if (!first) return 'The request is not valid.';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${first.field}: ${first.message}${more}`;
}
