import { ValidationPipe } from '@nestjs/common';
import type { FieldError } from '@practice-sync/problems';

import { flattenValidationErrors } from './validation-errors';

/**
 * The one way a service validates a request: class-validator rules on DTO classes, through Nest's
 * ValidationPipe, with every bad field named (`clients.ids[2]`). Each service turns the list into its 400.
 * Unknown fields are rejected, not silently dropped: a typo in a field name should not pass unnoticed
 * (`forbidUnknown: false` drops them instead, for a service's internal query strings).
 */
export function createValidationPipe(
  toException: (errors: FieldError[]) => Error,
  { forbidUnknown = true }: { forbidUnknown?: boolean } = {},
): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: forbidUnknown,
    transform: true,
    // One message per field: `is required` is enough, `must be a string` on top of it is noise.
    stopAtFirstError: true,
    validationError: { target: true, value: true },
    exceptionFactory: (errors) => toException(flattenValidationErrors(errors)),
  });
}
