import type { ExecutionContext } from '@nestjs/common';
import { applyDecorators, createParamDecorator, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';

import { IDEMPOTENCY_HEADER, IdempotencyInterceptor } from './idempotency.interceptor';

/** Marks a creating POST as honouring `Idempotency-Key` (and documents the header). */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes retries safe: the same key with the same body returns the original answer ' +
        '(with `Idempotent-Replayed: true`); the same key with another body is a 422. Kept for 24 hours.',
      schema: { type: 'string', maxLength: 255, example: '0193a8f4-5555-7abc-8def-0123456789ab' },
    }),
  );
}

/**
 * The request's Idempotency-Key (undefined without one), for a handler that passes it on to the service that
 * creates the resource; `@Idempotent()` has validated it and documents the header.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const key = context.switchToHttp().getRequest<Request>().headers[IDEMPOTENCY_HEADER];
  return typeof key === 'string' && key !== '' ? key : undefined;
});
