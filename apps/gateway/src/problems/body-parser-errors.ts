import type { NextFunction, Request, Response } from 'express';

import type { Problem } from './problem';
import { PROBLEM_CONTENT_TYPE, ProblemType, problemTypeUri } from './problem';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * Express error middleware placed right after the JSON parser: body-parser fails before Nest routes the
 * request, so its errors (bad JSON, too large) never reach the Nest exception filter.
 */
export function bodyParserErrorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const problem = bodyParserProblem(err, req.originalUrl ?? req.url);
  if (!problem) return next(err);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

export function bodyParserProblem(err: unknown, instance: string): Problem | null {
  if (typeof err !== 'object' || err === null) return null;
  const { type, limit } = err as BodyParserError;
  if (type === 'entity.too.large') {
    return {
      type: problemTypeUri(ProblemType.PayloadTooLarge),
      title: 'Payload too large',
      status: 413,
      detail: `The request body is larger than the ${limit ?? 'allowed'} bytes this API accepts.`,
      instance,
    };
  }
  if (type === 'entity.parse.failed') {
    return {
      type: problemTypeUri(ProblemType.InvalidJson),
      title: 'Invalid JSON',
      status: 400,
      detail: 'The request body is not valid JSON.',
      instance,
    };
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return {
      type: problemTypeUri(ProblemType.UnsupportedMediaType),
      title: 'Unsupported media type',
      status: 415,
      detail: 'The request body must be UTF-8 JSON.',
      instance,
    };
  }
  return null;
}
