import { HttpStatus } from '@nestjs/common';
import type { FieldError } from '@practice-sync/problems';
import { ProblemException, ProblemType } from '@practice-sync/problems';

/** The shared problem vocabulary; the gateway passes client-master's problems through unchanged. */
export type { FieldError, Problem } from '@practice-sync/problems';
export {
  PROBLEM_CONTENT_TYPE,
  ProblemException,
  ProblemType,
  problemTypeUri,
  problemTypeUriForStatus,
} from '@practice-sync/problems';

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
