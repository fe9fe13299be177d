import type { ValidationOptions } from 'class-validator';
import { registerDecorator } from 'class-validator';

/** A problem inside a property's value; `path` is relative to the property (`''`, `[0]`, `.ids[2]`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Checks a whole property value (and may look at the object) and names every bad part of it. */
export type FieldCheck = (value: unknown, object: object) => FieldProblem[];

const CHECKS = new Map<string, FieldCheck>();

/**
 * A property validator that reports each bad element by its own path (`gstins[1]`) rather than the whole
 * property: class-validator's `each` option loses the index, and callers need it to fix their input.
 * The problems are re-derived from the registry when errors are flattened (see validation-errors.ts).
 */
export function CheckField(name: string, check: FieldCheck, options?: ValidationOptions): PropertyDecorator {
  const existing = CHECKS.get(name);
  if (existing && existing !== check) throw new Error(`field check "${name}" is registered twice`);
  CHECKS.set(name, check);
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown, args) => check(value, args?.object ?? {}).length === 0,
        defaultMessage: (args) =>
          check(args?.value, args?.object ?? {})
            .map((p) => p.message)
            .join('; '),
      },
    });
}

export function fieldCheck(name: string): FieldCheck | undefined {
  return CHECKS.get(name);
}

/** Wraps a single-string rule (`panProblem`) as a FieldCheck. */
export function stringRule(rule: (value: string) => string | null, what = 'a string'): FieldCheck {
  return (value) => {
    if (typeof value !== 'string') return [{ path: '', message: `must be ${what}` }];
    const problem = rule(value);
    return problem ? [{ path: '', message: problem }] : [];
  };
}

/** Applies a single-string rule to every element of an array, naming bad elements by index. */
export function eachStringRule(rule: (value: string) => string | null, what = 'a string'): FieldCheck {
  return (value) => {
    if (!Array.isArray(value)) return [{ path: '', message: 'must be an array' }];
    return value.flatMap((item: unknown, i) => {
      if (typeof item !== 'string') return [{ path: `[${i}]`, message: `must be ${what}` }];
      const problem = rule(item);
      return problem ? [{ path: `[${i}]`, message: problem }] : [];
    });
  };
}
