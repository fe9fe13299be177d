import type { ValidationPipe } from '@nestjs/common';
import { ValidationProblem } from '@practice-sync/problems';
import { createValidationPipe as validationPipe } from '@practice-sync/validation';

/** The shared request validation, failing as the gateway's 400 `validation` problem. */
export function createValidationPipe(): ValidationPipe {
  return validationPipe((errors) => new ValidationProblem(errors));
}
