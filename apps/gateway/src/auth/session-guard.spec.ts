import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import type { RateLimiterService } from '../rate-limit/rate-limiter.service';
import { tokenHash } from '../users/secrets';
import { ApiKeyGuard } from './api-key.guard';
import type { ApiKeyAuthenticator } from './api-key-authenticator.service';
import type { Principal } from './principal';
import type { AuthenticatedSession, SessionAuthenticator } from './session-authenticator.service';

const CSRF = 'csrf-token-of-the-session-0000000000000000';
const session: AuthenticatedSession = {
  principal: { kind: 'firm', firmId: 'f', role: 'operator', keyId: 'user:u', userId: 'u', sessionId: 's' },
  csrfHash: tokenHash(CSRF),
};
const apiKey: Principal = { kind: 'firm', firmId: 'f', role: 'viewer', keyId: 'k' };

function guard(): ApiKeyGuard {
  const keys = {
    authenticate: async (t: string) => (t === 'good-key' ? apiKey : null),
  } as ApiKeyAuthenticator;
  const sessions = {
    authenticate: async (t: string) => (t === 'good-session' ? session : null),
  } as SessionAuthenticator;
  const limiter = { consume: async () => undefined } as unknown as RateLimiterService;
  return new ApiKeyGuard(keys, sessions, new Reflector(), limiter);
}

function context(
  method: string,
  headers: Record<string, string>,
): { ctx: ExecutionContext; req: { principal?: Principal } } {
  const req = { method, headers } as {
    method: string;
    headers: Record<string, string>;
    principal?: Principal;
  };
  const ctx = {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({}) }),
    getHandler: () => () => undefined,
    getClass: () => class {},
  } as unknown as ExecutionContext;
  return { ctx, req };
}

describe('ApiKeyGuard with a session cookie', () => {
  it('lets a signed-in person read without a CSRF token', async () => {
    const { ctx, req } = context('GET', { cookie: 'ps_session=good-session' });
    await expect(guard().canActivate(ctx)).resolves.toBe(true);
    expect(req.principal).toEqual(session.principal);
  });

  it('refuses a write made with the cookie but without the right CSRF token', async () => {
    for (const headers of [{}, { 'x-csrf-token': 'guessed' }] as Record<string, string>[]) {
      const { ctx } = context('POST', { cookie: 'ps_session=good-session', ...headers });
      await expect(guard().canActivate(ctx)).rejects.toMatchObject({
        status: 403,
        code: 'csrf-token-invalid',
      });
    }
    const { ctx } = context('DELETE', { cookie: 'ps_session=good-session', 'x-csrf-token': CSRF });
    await expect(guard().canActivate(ctx)).resolves.toBe(true);
  });

  it('answers 401 for an ended session, and prefers an API key to a cookie', async () => {
    await expect(guard().canActivate(context('GET', { cookie: 'ps_session=old' }).ctx)).rejects.toMatchObject(
      {
        status: 401,
      },
    );
    const { ctx, req } = context('POST', {
      cookie: 'ps_session=good-session',
      authorization: 'Bearer good-key',
    });
    await expect(guard().canActivate(ctx)).resolves.toBe(true);
    expect(req.principal).toEqual(apiKey);
  });
});
