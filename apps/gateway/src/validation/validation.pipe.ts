import { ValidationPipe } from '@nestjs/common';

import { validationException } from './validation-errors';

/** Unknown fields are rejected, not silently dropped: a typo in a field name should not pass unnoticed. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // One message per field: `is required` is enough, `must be a string` on top of it is noise.
    stopAtFirstError: true,
    validationError: { target: true, value: true },
    exceptionFactory: validationException,
  });
}
