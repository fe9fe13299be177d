import { HttpException, HttpStatus } from '@nestjs/common';
import { randomUUID } from 'crypto';

import type { Problem } from './problem';
import {
  ProblemException,
  ProblemType,
  problemTypeUri,
  problemTypeUriForStatus,
  UpstreamProblemException,
} from './problem';

export interface MappedProblem {
  problem: Problem;
  /** Set for 500s: log it with the errorId, never send it. */
  cause?: unknown;
}

/**
 * Turns anything a request handler threw into problem details. 4xx keep their message (it is written for the
 * caller); everything else becomes an opaque 500 with an `errorId` to correlate with the logged cause.
 */
export function toProblem(
  exception: unknown,
  instance: string,
  newErrorId: () => string = randomUUID,
): MappedProblem {
  if (exception instanceof UpstreamProblemException) {
    return { problem: { ...exception.problem, instance } };
  }
  if (exception instanceof ProblemException) {
    const status = exception.getStatus();
    return {
      problem: {
        type: problemTypeUri(exception.problemType),
        title: exception.title,
        status,
        detail: exception.detail,
        instance,
        ...(exception.errors ? { errors: exception.errors } : {}),
      },
    };
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    const status = exception.getStatus();
    return {
      problem: {
        type: problemTypeUriForStatus(status),
        title: statusTitle(status),
        status,
        detail: httpExceptionDetail(exception),
        instance,
      },
    };
  }
  const errorId = newErrorId();
  return {
    cause: exception,
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

function httpExceptionDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

export function statusTitle(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  if (!name) return 'Error';
  const words = name.toLowerCase().split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
