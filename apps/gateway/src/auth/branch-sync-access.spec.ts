import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';

import { BranchLinksController } from '../branch-links/branch-links.controller';
import { CompaniesController } from '../companies/companies.controller';
import { SyncRunsController } from '../sync-runs/sync-runs.controller';
import { SyncSchedulesController } from '../sync-schedules/sync-schedules.controller';
import type { AccessRule } from './access.decorator';
import { ACCESS_RULE } from './access.decorator';
import type { ApiKeyRole } from './api-key';
import { assertAllowed } from './api-key.guard';
import type { Principal } from './principal';

type Controller = new (...args: never[]) => object;

/** Every route of a controller: `POST /branch-links/:id/restart` → the roles its access rule lets in. */
function routes(controller: Controller): Map<string, ApiKeyRole[]> {
  const reflector = new Reflector();
  const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
  const out = new Map<string, ApiKeyRole[]>();
  const proto = controller.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const handler = proto[name];
    if (name === 'constructor' || typeof handler !== 'function') continue;
    const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
    if (path === undefined) continue;
    const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
    const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [handler, controller]);
    const roles = (['admin', 'operator', 'viewer'] as const).filter((role) => {
      const principal: Principal = { kind: 'firm', firmId: 'f', role, keyId: 'k' };
      try {
        assertAllowed(principal, rule ?? { platform: false });
        return true;
      } catch {
        return false;
      }
    });
    out.set(`${method} /${base}${path === '/' ? '' : `/${path}`}`, roles);
  }
  return out;
}

const ADMIN: ApiKeyRole[] = ['admin'];
const OPERATOR: ApiKeyRole[] = ['admin', 'operator'];
const EVERYONE: ApiKeyRole[] = ['admin', 'operator', 'viewer'];

/**
 * Issue 22, "who may sync", as the routes declare it (keys and signed-in users go through the same guard and
 * the same rule): only admins define companies, links and rules; operators start branch syncs (runs over
 * links, schedules, restarts, snapshots); viewers read. A route added later without an access rule fails here.
 */
describe('who may sync: the branch sync routes and their roles', () => {
  it('lets only admins define companies, links and rules; everyone reads them', () => {
    expect(Object.fromEntries(routes(CompaniesController))).toEqual({
      'POST /companies': ADMIN,
      'GET /companies': EVERYONE,
      'GET /companies/:id': EVERYONE,
      'PATCH /companies/:id': ADMIN,
      'DELETE /companies/:id': ADMIN,
    });
    expect(Object.fromEntries(routes(BranchLinksController))).toEqual({
      'POST /branch-links': ADMIN,
      'GET /branch-links': EVERYONE,
      'GET /branch-links/:id': EVERYONE,
      'PATCH /branch-links/:id': ADMIN,
      'DELETE /branch-links/:id': ADMIN,
      'POST /branch-links/:id/rules/:ruleId/activate': ADMIN,
      'POST /branch-links/:id/rules/:ruleId/reject': ADMIN,
      'POST /branch-links/:id/restart': OPERATOR,
      'POST /branch-links/:id/snapshot': OPERATOR,
    });
  });

  it('lets operators start and schedule syncs (over links too), viewers only read them', () => {
    const runs = routes(SyncRunsController);
    expect(runs.get('POST /sync-runs')).toEqual(OPERATOR);
    expect(runs.get('POST /sync-runs/:id/cancel')).toEqual(OPERATOR);
    expect(runs.get('POST /sync-runs/:id/retry')).toEqual(OPERATOR);
    for (const [route, roles] of runs)
      if (route.startsWith('GET ')) expect([route, roles]).toEqual([route, EVERYONE]);
    expect(Object.fromEntries(routes(SyncSchedulesController))).toEqual({
      'POST /sync-schedules': OPERATOR,
      'GET /sync-schedules': EVERYONE,
      'GET /sync-schedules/:id': EVERYONE,
      'PATCH /sync-schedules/:id': OPERATOR,
      'DELETE /sync-schedules/:id': OPERATOR,
    });
  });

  it('says to a signed-in viewer which role it needs, as to a key', () => {
    const user: Principal = { kind: 'firm', firmId: 'f', role: 'viewer', keyId: 'user:u', userId: 'u' };
    expect(() => assertAllowed(user, { firmRoles: OPERATOR })).toThrow(
      /needs a user with role admin or operator; yours is viewer/,
    );
    const key: Principal = { kind: 'firm', firmId: 'f', role: 'operator', keyId: 'k' };
    expect(() => assertAllowed(key, { firmRoles: ADMIN })).toThrow(
      /needs an API key with role admin; yours is operator/,
    );
  });
});
