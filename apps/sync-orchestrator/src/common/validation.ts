import { BadRequestException } from '@nestjs/common';
import { createValidationPipe } from '@practice-sync/validation';

export interface FieldError {
  field: string;
  message: string;
}

/** A 400 that lists every invalid field (problem+json `errors`). */
export class RequestValidationException extends BadRequestException {
  constructor(readonly errors: FieldError[]) {
    super('the request is invalid; see errors');
  }
}

/** Request bodies: the shared class-validator DTOs, unknown fields refused. */
export const validBody = createValidationPipe((errors) => new RequestValidationException(errors));

/** Query strings: unknown parameters are dropped, as the internal API always did. */
export const validQuery = createValidationPipe((errors) => new RequestValidationException(errors), {
  forbidUnknown: false,
});

const FIRM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The `firmId` path segment, checked before anything is read or stored for it. */
export function firmIdOf(value: string): string {
  if (!FIRM_ID.test(value))
    throw new RequestValidationException([{ field: '(body)', message: 'must be a firm id' }]);
  return value;
}
