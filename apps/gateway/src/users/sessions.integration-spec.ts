import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { runServiceMigrations } from '@practice-sync/persistence';
import { freePort, testInfra } from '@practice-sync/testing';

import { AppModule } from '../app.module';
import { loadGatewayConfig } from '../config/gateway.config';
import { gatewayDataSourceOptions } from '../gateway-data-source';
import { configureApp } from '../http/configure-app';

const PLATFORM_KEY = 'integration-platform-key-0002';
const MAX_FAILURES = 3;

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** People signing in: invitations, sessions, CSRF, lock-out; API keys unchanged beside them. */
describe('gateway users and sessions', () => {
  const infra = testInfra();
  let gateway: NestExpressApplication;
  let url: string;
  let firmId: string;
  let adminKey: string;

  beforeAll(async () => {
    const config = loadGatewayConfig({
      ...infra.env,
      LOG_LEVEL: 'warn',
      PLATFORM_API_KEY: PLATFORM_KEY,
      CLIENT_MASTER_URL: `http://127.0.0.1:${await freePort()}`,
      SYNC_ORCHESTRATOR_URL: `http://127.0.0.1:${await freePort()}`,
      SIGN_IN_MAX_FAILURES: String(MAX_FAILURES),
      SIGN_IN_LOCKOUT_SECONDS: '600',
      RATE_LIMIT_STORE: 'memory',
    });
    await runServiceMigrations(gatewayDataSourceOptions(config));
    gateway = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
      logger: ['error'],
      bodyParser: false,
    });
    configureApp(gateway, config);
    await gateway.listen(0, '127.0.0.1');
    url = await gateway.getUrl();
    const firm = await call('POST', '/v1/firms', {
      key: PLATFORM_KEY,
      body: { name: 'Sharma & Associates' },
    });
    firmId = firm.body.id as string;
    const key = await call('POST', `/v1/firms/${firmId}/api-keys`, {
      key: PLATFORM_KEY,
      body: { name: 'admin', role: 'admin' },
    });
    adminKey = key.body.key as string;
  });

  afterAll(async () => {
    await gateway?.close();
  });

  async function call(
    method: string,
    path: string,
    opts: { key?: string; cookie?: string; csrf?: string; body?: unknown } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  /** Invites `email` with `role` (as the firm's admin key) and sets its password. */
  async function userWith(email: string, role: string, password: string): Promise<void> {
    const invited = await call('POST', `/v1/firms/${firmId}/users`, { key: adminKey, body: { email, role } });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email: email.toLowerCase(), role, status: 'invited' });
    const accepted = await call('POST', '/v1/invitations/accept', {
      body: { token: invited.body.inviteToken, password },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'active' });
  }

  async function signIn(
    email: string,
    password: string,
  ): Promise<{ cookie: string; csrf: string; answer: Answer }> {
    const answer = await call('POST', '/v1/sessions', { body: { email, password } });
    const cookies = answer.headers.getSetCookie();
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    return { cookie, csrf: answer.body.csrfToken as string, answer };
  }

  it('invites a user who sets a password, signs in with an HttpOnly SameSite=Strict cookie and is known to /me', async () => {
    await userWith('Asha@Sharma-Associates.in', 'admin', 'a long enough passphrase');
    const { cookie, answer } = await signIn('asha@sharma-associates.in', 'a long enough passphrase');
    expect(answer.status).toBe(201);
    const setCookies = answer.headers.getSetCookie();
    const session = setCookies.find((c) => c.startsWith('ps_session='));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(session).toMatch(/Secure/i);
    expect(setCookies.find((c) => c.startsWith('ps_csrf='))).not.toMatch(/HttpOnly/i);

    const me = await call('GET', '/v1/me', { cookie });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      kind: 'user',
      firmId,
      firmName: 'Sharma & Associates',
      role: 'admin',
      email: 'asha@sharma-associates.in',
    });
    // The invitation worked once.
    const users = await call('GET', `/v1/firms/${firmId}/users`, { cookie });
    expect(users.status).toBe(200);
    expect((users.body.items as Array<{ email: string; status: string }>).map((u) => u.status)).toEqual([
      'active',
    ]);
  });

  it('needs the CSRF token for writes made with the cookie, and ends the session on sign-out', async () => {
    const { cookie, csrf } = await signIn('asha@sharma-associates.in', 'a long enough passphrase');
    const body = { email: 'ravi@sharma-associates.in', role: 'viewer' };
    const without = await call('POST', `/v1/firms/${firmId}/users`, { cookie, body });
    expect(without.status).toBe(403);
    expect(without.headers.get('content-type')).toContain('application/problem+json');
    expect(without.body.type).toBe('https://practice-sync.dev/problems/csrf-token-invalid');
    const wrong = await call('POST', `/v1/firms/${firmId}/users`, { cookie, csrf: 'x'.repeat(43), body });
    expect(wrong.status).toBe(403);
    const withToken = await call('POST', `/v1/firms/${firmId}/users`, { cookie, csrf, body });
    expect(withToken.status).toBe(201);

    expect((await call('DELETE', '/v1/sessions/current', { cookie })).status).toBe(403);
    expect((await call('DELETE', '/v1/sessions/current', { cookie, csrf })).status).toBe(204);
    const after = await call('GET', '/v1/me', { cookie });
    expect(after.status).toBe(401);
    expect(after.body.detail).toMatch(/sign in again/);
  });

  it('keeps a viewer from starting a sync, and API keys working as before', async () => {
    await userWith('viewer@sharma-associates.in', 'viewer', 'viewer passphrase 123');
    const { cookie, csrf } = await signIn('viewer@sharma-associates.in', 'viewer passphrase 123');
    const start = await call('POST', '/v1/sync-runs', {
      cookie,
      csrf,
      body: { clients: { all: true }, categories: ['gst.all'] },
    });
    expect(start.status).toBe(403);
    expect(start.body.detail).toMatch(/role admin or operator; yours is viewer/);
    const byKey = await call('GET', '/v1/me', { key: adminKey });
    expect(byKey.body).toMatchObject({ kind: 'api-key', role: 'admin', userId: null, firmId });
    expect((await call('GET', '/v1/me')).status).toBe(401);
  });

  it('answers the same 401 for an unknown email and a wrong password, and refuses an unknown invitation', async () => {
    const unknown = await call('POST', '/v1/sessions', {
      body: { email: 'nobody@x.in', password: 'whatever it is' },
    });
    const wrong = await call('POST', '/v1/sessions', {
      body: { email: 'asha@sharma-associates.in', password: 'not the passphrase' },
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.detail).toBe(wrong.body.detail);
    const bad = await call('POST', '/v1/invitations/accept', {
      body: { token: 'y'.repeat(43), password: 'a long enough passphrase' },
    });
    expect(bad.status).toBe(404);
    const short = await call('POST', '/v1/invitations/accept', {
      body: { token: 'y'.repeat(43), password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
    // Asha's count of failures starts again after her successful sign-ins in the other tests.
    expect((await signIn('asha@sharma-associates.in', 'a long enough passphrase')).answer.status).toBe(201);
  });

  it('locks a user out after repeated wrong passwords, even when the guesses arrive at once', async () => {
    await userWith('meera@sharma-associates.in', 'operator', 'meera passphrase 456');
    const guesses = await Promise.all(
      Array.from({ length: MAX_FAILURES + 2 }, (_, i) =>
        call('POST', '/v1/sessions', {
          body: { email: 'meera@sharma-associates.in', password: `guess number ${i}` },
        }),
      ),
    );
    const statuses = guesses.map((g) => g.status).sort();
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(MAX_FAILURES - 1);
    const right = await call('POST', '/v1/sessions', {
      body: { email: 'meera@sharma-associates.in', password: 'meera passphrase 456' },
    });
    expect(right.status).toBe(429);
    expect(right.body.type).toBe('https://practice-sync.dev/problems/sign-in-locked');
    expect(right.body.detail).toMatch(/try again in 10 minutes/);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(500);
    expect(right.headers.get('set-cookie')).toBeNull();
  });
});
