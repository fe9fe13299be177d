import { HttpException, HttpStatus } from '@nestjs/common';
import type { FieldError, Problem } from '@practice-sync/problems';
import { ProblemException, ProblemType } from '@practice-sync/problems';

export type { FieldError, Problem } from '@practice-sync/problems';
export {
  PROBLEM_CONTENT_TYPE,
  ProblemException,
  ProblemType,
  problemTypeUri,
  problemTypeUriForStatus,
  storableTextMiddleware,
  unstorableTextErrors,
  UnstorableTextProblem,
} from '@practice-sync/problems';

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
