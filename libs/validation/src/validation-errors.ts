import type { FieldError } from '@practice-sync/problems';
import type { ValidationError } from 'class-validator';

import { fieldCheck } from './field-check';

/** Flattens class-validator's error tree into `{ field, message }` pairs with paths like `clients.ids[0]`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = joinPath(parent, error.property);
    const own = Object.entries(error.constraints ?? {}).flatMap(([name, message]) =>
      expandConstraint(name, message, field, error),
    );
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

function expandConstraint(
  name: string,
  message: string,
  field: string,
  error: ValidationError,
): FieldError[] {
  if (name === 'whitelistValidation') return [{ field, message: 'is not a known field; remove it' }];
  const check = fieldCheck(name);
  if (check) {
    const problems = check(error.value, error.target ?? {});
    if (problems.length > 0) return problems.map((p) => ({ field: `${field}${p.path}`, message: p.message }));
  }
  return [{ field, message: stripPropertyName(message, error.property) }];
}

/** class-validator writes `pan must be a string`; the field is already named, so keep `must be a string`. */
function stripPropertyName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

function joinPath(parent: string, property: string): string {
  if (!parent) return property;
  return /^\d+$/.test(property) ? `${parent}[${property}]` : `${parent}.${property}`;
}
