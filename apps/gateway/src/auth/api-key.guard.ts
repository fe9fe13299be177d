import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { METRICS_REGISTRY } from '@practice-sync/observability';
import { DomainException, ProblemException, ProblemType } from '@practice-sync/problems';
import type { Request, Response } from 'express';
import type { Histogram, Registry } from 'prom-client';

import { stepHistogram, timed } from '../http/step-metrics';
import { RateLimiterService } from '../rate-limit/rate-limiter.service';
import { tokenMatches } from '../users/secrets';
import type { AccessRule } from './access.decorator';
import { ACCESS_RULE } from './access.decorator';
import { bearerToken } from './api-key';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';
import type { AuthenticatedRequest, Principal } from './principal';
import { SessionAuthenticator } from './session-authenticator.service';
import { CSRF_HEADER, readCookie, SAFE_METHODS, SESSION_COOKIE } from './session-cookies';

const DEFAULT_RULE: AccessRule = { platform: false };

/**
 * Resolves `Authorization: Bearer <key>` (machines) or the console's session cookie (people) to a principal and
 * applies the route's access rule. A bearer token wins over a cookie; writes made with a cookie need the
 * session's CSRF token in `X-CSRF-Token`.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly steps?: Histogram<'step'>;

  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly sessions: SessionAuthenticator,
    private readonly reflector: Reflector,
    private readonly rateLimiter: RateLimiterService,
    @Optional() @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    this.steps = registry ? stepHistogram(registry) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const principal = await timed(this.steps, 'api_key', () => this.principalOf(req));
    // Every authenticated call counts, allowed or not: a key hammering a forbidden route is still hammering.
    const res = context.switchToHttp().getResponse<Response>();
    await timed(this.steps, 'rate_limit', () => this.rateLimiter.consume(principal, res));
    const rule =
      this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
        context.getHandler(),
        context.getClass(),
      ]) ?? DEFAULT_RULE;
    assertAllowed(principal, rule);
    req.principal = principal;
    return true;
  }

  private async principalOf(req: Request): Promise<Principal> {
    const token = bearerToken(req.headers.authorization);
    if (token) {
      const principal = await this.authenticator.authenticate(token);
      if (!principal) throw unauthorized('The API key is unknown or has been revoked.');
      return principal;
    }
    const sessionToken = readCookie(req, SESSION_COOKIE);
    if (!sessionToken) {
      throw unauthorized('Send an API key as "Authorization: Bearer <key>", or sign in (POST /v1/sessions).');
    }
    const session = await this.sessions.authenticate(sessionToken);
    if (!session) throw unauthorized('Your session has ended or expired; sign in again.');
    if (!SAFE_METHODS.has(req.method)) {
      const csrf = req.headers[CSRF_HEADER];
      if (typeof csrf !== 'string' || !tokenMatches(csrf, session.csrfHash)) throw csrfRefused();
    }
    return session.principal;
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
        : principal.userId
          ? `This needs a user with role ${roles.join(' or ')}; yours is ${principal.role} (ask an admin of the firm).`
          : `This needs an API key with role ${roles.join(' or ')}; yours is ${principal.role}.`,
    );
  }
}

function unauthorized(detail: string): ProblemException {
  return new ProblemException(ProblemType.Unauthorized, HttpStatus.UNAUTHORIZED, 'Unauthorized', detail);
}

function csrfRefused(): DomainException<string> {
  return new DomainException<string>({
    code: 'csrf-token-invalid',
    status: HttpStatus.FORBIDDEN,
    title: 'Missing or wrong CSRF token',
    detail:
      'A change made with the session cookie needs the X-CSRF-Token header set to the ps_csrf cookie ' +
      '(also in the sign-in answer). Reload the console, or sign in again.',
  });
}

function forbidden(detail: string): ProblemException {
  return new ProblemException(ProblemType.Forbidden, HttpStatus.FORBIDDEN, 'Forbidden', detail);
}
