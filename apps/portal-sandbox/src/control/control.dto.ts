import { z } from 'zod';

import { fieldErrors, ValidationProblem } from '../common/problem';

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

/** Parses a JSON body with `schema`, or throws a 400 naming every bad field. */
export function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown, what: string): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationProblem(`${what}: the body must be a JSON object`, [
      { field: 'body', message: 'must be a JSON object' },
    ]);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ValidationProblem(`${what}: invalid body`, fieldErrors(parsed.error));
  return parsed.data;
}
