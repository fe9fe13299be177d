import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';

import { PROBLEM_CONTENT_TYPE } from './problem';
import { toProblem } from './problem-mapping';

/** The one place errors become HTTP answers: RFC 9457 problem+json for everything. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const { problem, cause } = toProblem(exception, req.originalUrl ?? req.url);
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
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}
