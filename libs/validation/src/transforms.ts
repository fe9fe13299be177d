import type { TransformFnParams } from 'class-transformer';

/** Trims strings; leaves anything else for the validators to reject with a clear message. */
export function trimmed({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

/** Trims every string of an array; leaves anything else for the validators. */
export function trimmedList({ value }: TransformFnParams): unknown {
  return Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value;
}
