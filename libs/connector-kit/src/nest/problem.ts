import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException } from '@nestjs/common';
import { problemTypeUriForStatus } from '@practice-sync/problems';
import type { Request, Response } from 'express';

export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem the credential endpoints answer with. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail, status);
  }
}

const TYPES: Record<number, string> = {
  400: 'validation',
  404: 'not-found',
  409: 'conflict',
  422: 'portal-refused',
  502: 'portal-unavailable',
};

/** Every error of the connector's internal HTTP as problem+json; causes are never echoed (secrets). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const body =
      exception instanceof ProblemException
        ? {
            type: `https://practice-sync.dev/problems/${TYPES[status] ?? 'error'}`,
            title: exception.title,
            status,
            detail: exception.detail,
            instance: req.originalUrl,
            ...(exception.errors ? { errors: exception.errors } : {}),
          }
        : {
            type: problemTypeUriForStatus(status),
            title: status >= 500 ? 'Internal server error' : 'Error',
            status,
            detail: status >= 500 ? 'unexpected error' : (exception as HttpException).message,
            instance: req.originalUrl,
          };
    if (!res.headersSent) res.status(status).type('application/problem+json').send(JSON.stringify(body));
  }
}

/** Parses a body with a zod-like `safeParse`, or answers 400 naming each bad field. */
export function parseBody<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: (string | number)[]; message: string }[] } };
  },
  body: unknown,
): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new ProblemException(
    400,
    'Invalid request',
    'the request body is invalid',
    result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })),
  );
}
