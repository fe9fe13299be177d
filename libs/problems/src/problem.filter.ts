import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

import { PROBLEM_CONTENT_TYPE } from './problem';
import { bodyParserProblem, toProblem } from './to-problem';

/**
 * The one place a service's errors become HTTP answers: RFC 9457 problem+json for everything. Every service
 * registers it (`app.useGlobalFilters(new ProblemFilter())`).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const { problem, headers, cause } = toProblem(exception, req.originalUrl ?? req.url);
    if (cause !== undefined) {
      // One object argument: nestjs-pino would take a trailing string for the Nest context, not the message.
      this.logger.error({
        msg: 'unhandled error',
        errorId: problem.errorId,
        err: cause,
        method: req.method,
        url: req.originalUrl,
      });
    }
    if (res.headersSent) return;
    res.set(headers).status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}

/**
 * Express error middleware placed right after the body parsers: body-parser fails before Nest routes the
 * request, so its errors (bad JSON, too large) never reach the Nest exception filter.
 */
export function bodyParserErrorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const problem = bodyParserProblem(err, req.originalUrl ?? req.url);
  if (!problem) return next(err);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
