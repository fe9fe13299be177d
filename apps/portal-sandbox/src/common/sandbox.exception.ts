import type { FieldError } from '@practice-sync/problems';
import { ValidationProblem } from '@practice-sync/problems';

/**
 * The e-sign portal answers its errors with types named by their status (`…/problems/http-401`), and the
 * sandbox emulates them as they are: connector-esign reads these types. Thrown as
 * `DomainException<SandboxProblemCode>`; never rename one.
 */
export enum SandboxProblemCode {
  Unauthorized = 'http-401',
  Conflict = 'http-409',
  PayloadTooLarge = 'http-413',
  Unprocessable = 'http-422',
  TooManyRequests = 'http-429',
}

/** The sandbox's 400 (`validation-error`, titled `Invalid request`) naming each bad field. */
export function invalidRequest(detail: string, errors: FieldError[]): ValidationProblem {
  return new ValidationProblem(errors, detail, 'Invalid request');
}
