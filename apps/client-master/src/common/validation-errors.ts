import type { FieldError } from '@practice-sync/problems';
import { ValidationProblem } from '@practice-sync/problems';
import type { ValidationError } from 'class-validator';

/** For ValidationPipe's `exceptionFactory`: class-validator's tree as `{ field, message }` pairs. */
export function validationProblem(errors: ValidationError[]): ValidationProblem {
  return new ValidationProblem(flatten(errors, ''));
}

function flatten(errors: ValidationError[], parent: string): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent
      ? /^\d+$/.test(e.property)
        ? `${parent}[${e.property}]`
        : `${parent}.${e.property}`
      : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
