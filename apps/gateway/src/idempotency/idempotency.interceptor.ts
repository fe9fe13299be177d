import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { HttpStatus, Injectable } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { ProblemException, ProblemType, ValidationProblem } from '@practice-sync/problems';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { catchError, from, mergeMap, of, throwError } from 'rxjs';

import type { AuthenticatedRequest } from '../auth/principal';
import { IDEMPOTENCY_KEY_PATTERN, requestFingerprint } from './fingerprint';
import { IdempotencyStore } from './idempotency.store';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * `Idempotency-Key` on creating POSTs: the first request with a key runs and its successful answer is stored;
 * the same key with the same request replays that answer (header `Idempotent-Replayed: true`); with another
 * request it is a 422; while the first is still running, a 409 — unless the gateway process running it died,
 * then the retry takes the key over and runs. Failed requests are not remembered.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request & AuthenticatedRequest>();
    const res = http.getResponse<Response>();
    const key = req.headers[IDEMPOTENCY_HEADER];
    if (key === undefined) return next.handle();
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new ValidationProblem([
        { field: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters, e.g. a UUID' },
      ]);
    }
    const principal = req.principal;
    const scope = principal?.kind === 'firm' ? principal.firmId : 'platform';
    const fingerprint = requestFingerprint(req.method, req.originalUrl ?? req.url, req.body);
    return from(this.store.claim(scope, key, fingerprint)).pipe(
      mergeMap((claim) => {
        switch (claim.kind) {
          case 'replay':
            res.setHeader('Idempotent-Replayed', 'true');
            return of(claim.body);
          case 'mismatch':
            return throwError(() => reused());
          case 'in-progress':
            return throwError(() => inProgress());
          case 'claimed':
            return next.handle().pipe(
              mergeMap((body: unknown) =>
                from(this.store.complete(scope, key, successStatus(context, req.method), body)).pipe(
                  mergeMap(() => of(body)),
                ),
              ),
              catchError((e: unknown) =>
                from(this.store.release(scope, key, claim.owner).catch(() => undefined)).pipe(
                  mergeMap(() => throwError(() => e)),
                ),
              ),
            );
        }
      }),
    );
  }
}

function reused(): ProblemException {
  return new ProblemException(
    ProblemType.IdempotencyKeyReused,
    HttpStatus.UNPROCESSABLE_ENTITY,
    'Idempotency-Key reused',
    'This Idempotency-Key was already used for a different request; use a new key for a new request.',
  );
}

function inProgress(): ProblemException {
  return new ProblemException(
    ProblemType.IdempotencyKeyInProgress,
    HttpStatus.CONFLICT,
    'Request in progress',
    'A request with this Idempotency-Key is still being processed; retry in a moment.',
  );
}

/** The status Nest will answer with (`@HttpCode`, else 201 for POST): the handler has not set it yet. */
function successStatus(context: ExecutionContext, method: string): number {
  const declared: unknown = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler());
  if (typeof declared === 'number') return declared;
  return method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK;
}
