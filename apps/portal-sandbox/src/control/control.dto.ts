import type { FieldError } from '@practice-sync/problems';
import type { ZodError } from 'zod';
import { z } from 'zod';

import { invalidRequest } from '../common/sandbox.exception';

/** Body of `POST /_sandbox/clock/advance`; fractions of a day are allowed (0.25 = 6 hours). */
export const clockAdvanceSchema = z
  .object({
    days: z
      .number({ required_error: 'is required', invalid_type_error: 'must be a number of days' })
      .finite()
      .min(0, 'must not be negative (the sandbox clock only moves forward)')
      .max(3650, 'must be at most 3650 (10 years)'),
  })
  .strict();

export type ClockAdvanceRequestDto = z.output<typeof clockAdvanceSchema>;

export interface ClockResponseDto {
  now: string;
  offsetDays: number;
}

/** Zod issues as `{ field, message }`, one per unknown key so each can be named. */
export function fieldErrors(error: ZodError, root = 'body'): FieldError[] {
  return error.issues.flatMap((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : root;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'unknown field' }));
    }
    return [{ field, message: issue.message }];
  });
}

/** Parses a JSON body with `schema`, or throws a 400 naming every bad field. */
export function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown, what: string): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest(`${what}: the body must be a JSON object`, [
      { field: 'body', message: 'must be a JSON object' },
    ]);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalidRequest(`${what}: invalid body`, fieldErrors(parsed.error));
  return parsed.data;
}
