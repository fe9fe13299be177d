import { HttpException, HttpStatus } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details; the gateway passes these through to the public caller unchanged. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
  errorId?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Stable problem types (same URIs as the gateway's); never rename one. */
export enum ProblemType {
  Validation = 'validation-error',
  NotFound = 'not-found',
  Conflict = 'conflict',
  Internal = 'internal-error',
}

export function problemTypeUri(type: ProblemType): string {
  return `https://practice-sync.dev/problems/${type}`;
}

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

export class NotFoundProblem extends ProblemException {
  constructor(detail: string) {
    super(ProblemType.NotFound, HttpStatus.NOT_FOUND, 'Not found', detail);
  }
}

export class ConflictProblem extends ProblemException {
  constructor(detail: string) {
    super(ProblemType.Conflict, HttpStatus.CONFLICT, 'Conflict', detail);
  }
}

export class ValidationProblem extends ProblemException {
  constructor(errors: FieldError[]) {
    const first = errors[0];
    super(
      ProblemType.Validation,
      HttpStatus.BAD_REQUEST,
      'The request is not valid',
      first ? `${first.field}: ${first.message}` : 'The request is not valid.',
      errors,
    );
  }
}
