import { HttpStatus } from '@nestjs/common';

import { ProblemException } from './domain.exception';
import type { FieldError, Problem } from './problem';
import { PROBLEM_CONTENT_TYPE, ProblemType, problemTypeUri } from './problem';

const MAX_DEPTH = 32;

/**
 * Whether PostgreSQL's text (and UTF-8 itself) can hold `value`: no NUL character, no UTF-16 surrogate that
 * is not part of a pair. A loop rather than a regular expression with control characters in it.
 */
export function isStorableText(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || (c >= 0xdc00 && c <= 0xdfff)) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    }
  }
  return true;
}

function describe(value: string): string {
  return value.includes('\u0000')
    ? 'contains a NUL character (\\u0000), which cannot be stored; remove it'
    : 'contains an unpaired UTF-16 surrogate, which is not valid text; send valid UTF-8';
}

/**
 * Every string in a request value (keys included) that cannot be stored, named by its path the way the
 * caller wrote it (`clients.tags[1]`, `period.gst`); `path` names the value itself (`query.q`, `body`).
 */
export function unstorableTextErrors(value: unknown, path: string, depth = 0): FieldError[] {
  if (typeof value === 'string')
    return isStorableText(value) ? [] : [{ field: path, message: describe(value) }];
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return [];
  if (Array.isArray(value))
    return value.flatMap((item: unknown, i) => unstorableTextErrors(item, `${path}[${i}]`, depth + 1));
  return Object.entries(value).flatMap(([key, item]) => {
    const field = path ? `${path}.${key}` : key;
    if (!isStorableText(key))
      return [{ field: path || '(body)', message: `has a field name that ${describe(key)}` }];
    return unstorableTextErrors(item, field, depth + 1);
  });
}

/** 422: the request carries text that cannot be stored; `errors` names each field. */
export class UnstorableTextProblem extends ProblemException {
  constructor(errors: FieldError[]) {
    const first = errors[0];
    super(
      ProblemType.UnstorableText,
      HttpStatus.UNPROCESSABLE_ENTITY,
      'Text that cannot be stored',
      `${first ? `${first.field}: ${first.message}` : 'the request has text that cannot be stored'}` +
        (errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''),
      errors,
    );
  }
}

/**
 * Checks every part of a request a handler may store or query with: the path (decoded), the query, the body
 * and the headers whose values are stored (Idempotency-Key). Shared by every service's HTTP entry.
 */
export function requestTextErrors(req: MiddlewareRequest): FieldError[] {
  // The whole path, even where the middleware is mounted under a prefix (where `path` is relative to it).
  const rawPath = (req.originalUrl ?? req.url ?? req.path).split('?')[0];
  let decodedPath: string;
  try {
    decodedPath = decodeURIComponent(rawPath);
  } catch {
    decodedPath = rawPath;
  }
  const errors: FieldError[] = isStorableText(decodedPath)
    ? []
    : [{ field: 'path', message: describe(decodedPath) }];
  errors.push(...unstorableTextErrors(req.query, 'query'));
  if (typeof req.body === 'object' && req.body !== null) errors.push(...unstorableTextErrors(req.body, ''));
  const key = req.headers['idempotency-key'];
  if (typeof key === 'string' && !isStorableText(key))
    errors.push({ field: 'Idempotency-Key', message: describe(key) });
  return errors;
}

interface MiddlewareRequest {
  path: string;
  originalUrl?: string;
  url?: string;
  query: unknown;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

interface MiddlewareResponse {
  status(code: number): MiddlewareResponse;
  type(contentType: string): MiddlewareResponse;
  send(body: string): unknown;
}

/**
 * Express middleware (after the body parsers, before routing): answers 422 problem+json naming each field
 * with unstorable text, so no handler, pipe or query ever sees it.
 */
export function storableTextMiddleware(
  req: MiddlewareRequest,
  res: MiddlewareResponse,
  next: () => void,
): void {
  const errors = requestTextErrors(req);
  if (errors.length === 0) return next();
  const problem = new UnstorableTextProblem(errors);
  const body: Problem = {
    type: problemTypeUri(problem.problemType),
    title: problem.title,
    status: problem.getStatus(),
    detail: problem.detail,
    instance: req.originalUrl ?? req.url ?? req.path,
    errors,
  };
  res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
