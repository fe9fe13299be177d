import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemException, ProblemType } from '@practice-sync/problems';
import type { Request, Response } from 'express';

import { RateLimiterService } from '../rate-limit/rate-limiter.service';
import type { AccessRule } from './access.decorator';
import { ACCESS_RULE } from './access.decorator';
import { bearerToken } from './api-key';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';
import type { AuthenticatedRequest, Principal } from './principal';

const DEFAULT_RULE: AccessRule = { platform: false };

/** Resolves `Authorization: Bearer <key>` to a principal and applies the route's access rule. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly reflector: Reflector,
    private readonly rateLimiter: RateLimiterService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const token = bearerToken(req.headers.authorization);
    if (!token) throw unauthorized('Send an API key as "Authorization: Bearer <key>".');
    const principal = await this.authenticator.authenticate(token);
    if (!principal) throw unauthorized('The API key is unknown or has been revoked.');
    // Every authenticated call counts, allowed or not: a key hammering a forbidden route is still hammering.
    await this.rateLimiter.consume(principal, context.switchToHttp().getResponse<Response>());
    const rule =
      this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
        context.getHandler(),
        context.getClass(),
      ]) ?? DEFAULT_RULE;
    assertAllowed(principal, rule);
    req.principal = principal;
    return true;
  }
}

export function assertAllowed(principal: Principal, rule: AccessRule): void {
  if (principal.kind === 'platform') {
    if (!rule.platform)
      throw forbidden('The platform key only manages firms and their keys; use a firm API key.');
    return;
  }
  const roles = rule.firmRoles;
  if (roles && !roles.includes(principal.role)) {
    throw forbidden(
      roles.length === 0
        ? 'Only the platform key may do this.'
        : `This needs an API key with role ${roles.join(' or ')}; yours is ${principal.role}.`,
    );
  }
}

function unauthorized(detail: string): ProblemException {
  return new ProblemException(ProblemType.Unauthorized, HttpStatus.UNAUTHORIZED, 'Unauthorized', detail);
}

function forbidden(detail: string): ProblemException {
  return new ProblemException(ProblemType.Forbidden, HttpStatus.FORBIDDEN, 'Forbidden', detail);
}
