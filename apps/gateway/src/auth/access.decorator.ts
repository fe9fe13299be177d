import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator, SetMetadata } from '@nestjs/common';

import type { ApiKeyRole } from './api-key';
import type { AuthenticatedRequest, Principal } from './principal';

export const ACCESS_RULE = 'practice-sync:access-rule';

export interface AccessRule {
  /** Whether the platform key may call the route (firm management only). */
  platform?: boolean;
  /** Firm key roles allowed; `[]` means no firm key. Default: every role. */
  firmRoles?: readonly ApiKeyRole[];
}

/** Declares who may call a route; without it, any firm key may and the platform key may not. */
export const Access = (rule: AccessRule): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, rule);

/** Roles allowed to change things (start syncs, manage clients, schedules and portal credentials). */
export const WRITE_ROLES: readonly ApiKeyRole[] = ['admin', 'operator'];

/** Destructive or firm-wide actions (deleting clients, managing API keys). */
export const ADMIN_ONLY: readonly ApiKeyRole[] = ['admin'];

/** The principal the ApiKeyGuard resolved. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!req.principal) throw new Error('CurrentPrincipal used on a route without ApiKeyGuard');
  return req.principal;
});

/** The caller's firm id (routes that only firm keys reach). */
export const CurrentFirmId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (principal?.kind !== 'firm') throw new Error('CurrentFirmId used on a route a firm key did not reach');
  return principal.firmId;
});
