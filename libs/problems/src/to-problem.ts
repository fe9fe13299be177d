import { HttpException, HttpStatus } from '@nestjs/common';
import { randomUUID } from 'crypto';

import { DomainException } from './domain.exception';
import type { Problem } from './problem';
import { ProblemType, problemTypeUri, problemTypeUriForStatus } from './problem';

export interface MappedProblem {
  problem: Problem & Record<string, unknown>;
  /** Headers the answer carries (a domain exception's `Retry-After`…). */
  headers: Record<string, string>;
  /** Set for 500s: log it with the errorId, never send it. */
  cause?: unknown;
}

/**
 * Turns anything a request handler threw into problem details: domain exceptions as they are, Nest's HTTP
 * exceptions under 500 with their status and message (written for the caller), body-parser failures (bad JSON,
 * too large), and everything else as an opaque 500 with an `errorId` to correlate with the logged cause.
 */
export function toProblem(
  exception: unknown,
  instance: string,
  newErrorId: () => string = randomUUID,
): MappedProblem {
  if (exception instanceof DomainException) {
    return {
      headers: exception.headers,
      problem: {
        type: exception.type,
        title: exception.title,
        status: exception.getStatus(),
        detail: exception.detail,
        instance,
        ...(exception.errors ? { errors: exception.errors } : {}),
        ...exception.extras,
      },
    };
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    const status = exception.getStatus();
    return {
      headers: {},
      problem: {
        type: problemTypeUriForStatus(status),
        title: statusTitle(status),
        status,
        detail: httpExceptionDetail(exception),
        instance,
      },
    };
  }
  const parserProblem = bodyParserProblem(exception, instance);
  if (parserProblem) return { headers: {}, problem: { ...parserProblem } };
  const errorId = newErrorId();
  return {
    cause: exception,
    headers: {},
    problem: {
      type: problemTypeUri(ProblemType.Internal),
      title: 'Internal server error',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      detail: `Something went wrong on our side. Quote error id ${errorId} if you contact support.`,
      instance,
      errorId,
    },
  };
}

interface BodyParserError {
  type?: unknown;
  limit?: unknown;
}

/** body-parser's failures (it runs before routing, so they come to the express error middleware). */
export function bodyParserProblem(err: unknown, instance: string): Problem | null {
  if (typeof err !== 'object' || err === null) return null;
  const { type, limit } = err as BodyParserError;
  if (type === 'entity.too.large') {
    return {
      type: problemTypeUri(ProblemType.PayloadTooLarge),
      title: 'Payload too large',
      status: 413,
      detail: `The request body is larger than the ${typeof limit === 'number' ? limit : 'allowed'} bytes this API accepts.`,
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

function httpExceptionDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

/** `PAYLOAD_TOO_LARGE` → `Payload too large`. */
export function statusTitle(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  if (!name) return 'Error';
  const words = name.toLowerCase().split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
