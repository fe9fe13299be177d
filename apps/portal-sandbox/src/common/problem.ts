import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ZodError } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
}

const PROBLEM_BASE = 'https://practice-sync.dev/problems/';

/** A 400 naming every bad field, answered as problem+json by ProblemFilter. */
export class ValidationProblem extends HttpException {
  constructor(
    readonly detail: string,
    readonly errors: FieldError[],
  ) {
    super(detail, HttpStatus.BAD_REQUEST);
  }
}

/** Zod issues as `{ field, message }`, one per unknown key so each can be named. */
export function fieldErrors(error: ZodError, root = 'body'): FieldError[] {
  return error.issues.flatMap((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : root;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'unknown field' }));
    }
    return [{ field, message: issue.message }];
  });
}

/** A problem+json answer with a chosen status and title, plus response headers (e.g. Retry-After). */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    title: string,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super({ error: title, message: detail }, status);
  }
}

function slug(status: number): string {
  if (status === 400) return 'validation-error';
  if (status === 404) return 'not-found';
  return status >= 500 ? 'internal-error' : `http-${status}`;
}

/** Every error outside the portal families' own shapes becomes RFC 9457 problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const status =
      exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    if (status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    const problem: Problem = {
      type: `${PROBLEM_BASE}${slug(status)}`,
      title: exception instanceof HttpException ? titleOf(exception) : 'Internal Server Error',
      status,
      detail: detailOf(exception, status),
      instance: req.originalUrl,
    };
    if (exception instanceof ValidationProblem) problem.errors = exception.errors;
    if (res.headersSent) return;
    if (exception instanceof ProblemException) res.set(exception.headers);
    res.status(status).type('application/problem+json').send(JSON.stringify(problem));
  }
}

function titleOf(exception: HttpException): string {
  if (exception instanceof ValidationProblem) return 'Invalid request';
  const body = exception.getResponse();
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string')
    return body.error;
  return exception.name;
}

function detailOf(exception: unknown, status: number): string {
  if (status >= 500) return 'The sandbox failed unexpectedly; see its log.';
  if (exception instanceof ValidationProblem) return exception.detail;
  if (exception instanceof HttpException) {
    const body = exception.getResponse();
    if (typeof body === 'string') return body;
    if (typeof body === 'object' && body !== null && 'message' in body) return String(body.message);
  }
  return 'Request failed';
}
