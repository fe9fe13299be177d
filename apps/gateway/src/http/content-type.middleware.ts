import type { Problem } from '@practice-sync/problems';
import { PROBLEM_CONTENT_TYPE, ProblemType, problemTypeUri } from '@practice-sync/problems';
import type { NextFunction, Request, Response } from 'express';

/** The one route that takes CSV; everything else with a body takes JSON. */
export const CSV_ROUTE = '/v1/clients/import';
export const CSV_TYPES = ['text/csv', 'application/csv'];
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Answers 415 for a body in a media type the route does not read, before any parser runs: otherwise a
 * form-encoded or text body would be silently ignored and reach validation as an empty object.
 */
export function contentTypeMiddleware(req: Request, res: Response, next: NextFunction): void {
  if (!hasBody(req)) return next();
  const csv = req.path === CSV_ROUTE;
  const accepted = csv ? CSV_TYPES : JSON_TYPES;
  if (req.is(accepted)) return next();
  const problem: Problem = {
    type: problemTypeUri(ProblemType.UnsupportedMediaType),
    title: 'Unsupported media type',
    status: 415,
    detail: `Send the body as ${csv ? 'text/csv' : 'application/json'} (Content-Type header).`,
    instance: req.originalUrl ?? req.url,
  };
  res.status(415).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** Same rule as body-parser: a body is announced by Transfer-Encoding or a non-zero Content-Length. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
