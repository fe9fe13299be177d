import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

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

export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new RequestValidationException(
    result.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message })),
  );
}
