import type { FieldError } from '@practice-sync/problems';
import { PROBLEM_CONTENT_TYPE, ProblemType, problemTypeUri } from '@practice-sync/problems';
import type { NextFunction, Request, Response } from 'express';

/** Keys that reach object prototypes; class-transformer crashes on some of them, and no DTO has them. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** No request body of this API nests deeper; recursion past it could only exhaust the stack. */
export const MAX_BODY_DEPTH = 16;

/** Problems with the shape of a parsed JSON body that must be refused before any transformation. */
export function bodyShapeErrors(value: unknown, path = '', depth = 0): FieldError[] {
  if (typeof value !== 'object' || value === null) return [];
  if (depth >= MAX_BODY_DEPTH)
    return [{ field: path || 'body', message: `is nested more than ${MAX_BODY_DEPTH} levels deep` }];
  if (Array.isArray(value))
    return value.flatMap((v: unknown, i) => bodyShapeErrors(v, `${path}[${i}]`, depth + 1));
  return Object.keys(value).flatMap((key) => {
    const field = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return [{ field, message: 'is not a known field; remove it' }];
    return bodyShapeErrors((value as Record<string, unknown>)[key], field, depth + 1);
  });
}

/** Runs after the JSON parser; answers 400 naming every offending field. */
export function bodyShapeMiddleware(req: Request, res: Response, next: NextFunction): void {
  const errors = bodyShapeErrors(req.body);
  if (errors.length === 0) return next();
  const first = errors[0];
  res
    .status(400)
    .type(PROBLEM_CONTENT_TYPE)
    .send(
      JSON.stringify({
        type: problemTypeUri(ProblemType.Validation),
        title: 'The request is not valid',
        status: 400,
        detail: `${first.field}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
        instance: req.originalUrl ?? req.url,
        errors,
      }),
    );
}
