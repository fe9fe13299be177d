import type { ValidationPipe } from '@nestjs/common';
import { createValidationPipe as validationPipe } from '@practice-sync/validation';

import { ValidationProblemException } from '../problems/problem';

/** The shared request validation, failing as the gateway's 400 `validation` problem. */
export function createValidationPipe(): ValidationPipe {
  return validationPipe((errors) => new ValidationProblemException(errors));
}
