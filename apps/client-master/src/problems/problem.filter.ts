import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { randomUUID } from 'crypto';
import type { Request, Response } from 'express';

import type { FieldError, Problem } from './problem';
import {
  PROBLEM_CONTENT_TYPE,
  ProblemException,
  ProblemType,
  problemTypeUri,
  problemTypeUriForStatus,
  ValidationProblem,
} from './problem';

/** Every error of the internal API as problem+json; 500s carry an errorId and the cause is only logged. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const problem = toProblem(exception, req.originalUrl ?? req.url);
    if (problem.errorId) {
      this.logger.error({
        msg: 'unhandled error',
        errorId: problem.errorId,
        err: exception,
        url: req.originalUrl,
      });
    }
    if (!res.headersSent) res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}

export function toProblem(exception: unknown, instance: string): Problem {
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
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    return {
      type: problemTypeUriForStatus(exception.getStatus()),
      title: 'Error',
      status: exception.getStatus(),
      detail: exception.message,
      instance,
    };
  }
  const errorId = randomUUID();
  return {
    type: problemTypeUri(ProblemType.Internal),
    title: 'Internal server error',
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    detail: `Something went wrong in client-master (error id ${errorId}).`,
    instance,
    errorId,
  };
}

export function validationProblem(errors: ValidationError[]): ValidationProblem {
  return new ValidationProblem(flatten(errors, ''));
}

function flatten(errors: ValidationError[], parent: string): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent
      ? /^\d+$/.test(e.property)
        ? `${parent}[${e.property}]`
        : `${parent}.${e.property}`
      : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
