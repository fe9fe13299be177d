import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import {
  ProblemException,
  ProblemType,
  problemTypeUri,
  problemTypeUriForStatus,
} from '@practice-sync/problems';
import type { Request, Response } from 'express';
import { v4 as uuidv4 } from 'uuid';

import type { FieldError } from './validation';
import { RequestValidationException } from './validation';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
  errorId?: string;
}

function detailOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && body !== null && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (Array.isArray(message)) return message.map(String).join('; ');
    if (typeof message === 'string') return message;
  }
  return exception.message;
}

/** `NOT_FOUND` → `Not Found`. */
function titleOf(status: number): string {
  const name: string | undefined = HttpStatus[status];
  if (!name) return 'Error';
  return name
    .split('_')
    .map((w) => w.charAt(0) + w.slice(1).toLowerCase())
    .join(' ');
}

/** Every error leaves as RFC 9457 problem+json; a 500 carries an errorId and never the cause. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const problem = this.toProblem(exception, req.originalUrl ?? req.url);
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, instance: string): Problem {
    if (exception instanceof ProblemException) {
      return {
        type: problemTypeUri(exception.problemType),
        title: exception.title,
        status: exception.getStatus(),
        detail: exception.detail,
        instance,
        ...(exception.errors ? { errors: exception.errors } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const problem: Problem = {
        type:
          exception instanceof RequestValidationException
            ? problemTypeUri(ProblemType.Validation)
            : problemTypeUriForStatus(status),
        title: titleOf(status),
        status,
        detail: detailOf(exception),
        instance,
      };
      if (exception instanceof RequestValidationException) problem.errors = exception.errors;
      return problem;
    }
    const errorId = uuidv4();
    this.logger.error({ err: exception, errorId }, 'unhandled error');
    return {
      type: problemTypeUri(ProblemType.Internal),
      title: 'Internal Server Error',
      status: 500,
      detail: `something went wrong on our side; quote errorId ${errorId} when reporting it`,
      instance,
      errorId,
    };
  }
}
