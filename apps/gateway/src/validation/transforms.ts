import type { TransformFnParams } from 'class-transformer';

// Trimming is shared with the request DTOs of libs/validation.
export { trimmed, trimmedList } from '@practice-sync/validation';

/** Trims and upper-cases identifiers (PAN, TAN, GSTIN are upper-case on every portal). */
export function identifier({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? value.trim().toUpperCase() : value;
}

export function identifierList({ value }: TransformFnParams): unknown {
  return Array.isArray(value)
    ? value.map((v: unknown) => (typeof v === 'string' ? v.trim().toUpperCase() : v))
    : value;
}
