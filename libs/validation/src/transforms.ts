import type { TransformFnParams } from 'class-transformer';

/** Trims strings; leaves anything else for the validators to reject with a clear message. */
export function trimmed({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

/** Trims and upper-cases identifiers (PAN, TAN, GSTIN are upper-case on every portal). */
export function identifier({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? value.trim().toUpperCase() : value;
}

export function identifierList({ value }: TransformFnParams): unknown {
  return Array.isArray(value)
    ? value.map((v: unknown) => (typeof v === 'string' ? v.trim().toUpperCase() : v))
    : value;
}

export function trimmedList({ value }: TransformFnParams): unknown {
  return Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value;
}
