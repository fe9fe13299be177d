import type { FieldError } from '@practice-sync/problems';
import { ValidationProblem } from '@practice-sync/problems';
import type { z } from 'zod';

/** A 400 that lists every invalid field (problem+json `errors`), in the shared vocabulary. */
export function requestValidationProblem(errors: FieldError[]): ValidationProblem {
  return new ValidationProblem(errors, 'the request is invalid; see errors', 'Bad Request');
}

export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw requestValidationProblem(
    result.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message })),
  );
}
