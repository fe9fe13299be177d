import type { FieldError } from '@practice-sync/problems';
import { ValidationProblem } from '@practice-sync/problems';
import { createValidationPipe } from '@practice-sync/validation';

/** A 400 that lists every invalid field (problem+json `errors`), in the shared vocabulary. */
export function requestValidationProblem(errors: FieldError[]): ValidationProblem {
  return new ValidationProblem(errors, 'the request is invalid; see errors', 'Bad Request');
}

/** Request bodies: the shared class-validator DTOs, unknown fields refused. */
export const validBody = createValidationPipe(requestValidationProblem);

/** Query strings: unknown parameters are dropped, as the internal API always did. */
export const validQuery = createValidationPipe(requestValidationProblem, { forbidUnknown: false });

const FIRM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The `firmId` path segment, checked before anything is read or stored for it. */
export function firmIdOf(value: string): string {
  if (!FIRM_ID.test(value))
    throw requestValidationProblem([{ field: '(body)', message: 'must be a firm id' }]);
  return value;
}
