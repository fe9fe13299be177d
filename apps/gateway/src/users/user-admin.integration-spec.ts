import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { runServiceMigrations } from '@practice-sync/persistence';
import { freePort, testInfra } from '@practice-sync/testing';
import * as argon2 from 'argon2';
import { DataSource } from 'typeorm';

import { AppModule } from '../app.module';
import { loadGatewayConfig } from '../config/gateway.config';
import { gatewayDataSourceOptions } from '../gateway-data-source';
import { configureApp } from '../http/configure-app';

const PLATFORM_KEY = 'integration-platform-key-0023';
const IP_LIMIT = 4;

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

interface User {
  id: string;
  email: string;
  role: string;
  status: string;
  lastSignInAt: string | null;
  lockedUntil: string | null;
  inviteExpiresAt: string | null;
}

/**
 * What an admin does with the firm's users (role, disable, unlock, resend an invitation), the per-IP sign-in
 * limit shared by two gateway instances through PostgreSQL, X-Forwarded-For under TRUST_PROXY, and the argon2
 * rehash of an old hash at sign-in.
 */
describe('gateway user administration and sign-in limits', () => {
  const infra = testInfra();
  const gateways: NestExpressApplication[] = [];
  let urls: string[];
  let firmId: string;
  let adminKey: string;
  let db: DataSource;
  /** Each test signs in from its own address (X-Forwarded-For, believed from loopback): budgets do not mix. */
  let nextIp = 10;
  const freshIp = () => `198.51.100.${nextIp++}`;

  beforeAll(async () => {
    const config = loadGatewayConfig({
      ...infra.env,
      LOG_LEVEL: 'warn',
      PLATFORM_API_KEY: PLATFORM_KEY,
      CLIENT_MASTER_URL: `http://127.0.0.1:${await freePort()}`,
      SYNC_ORCHESTRATOR_URL: `http://127.0.0.1:${await freePort()}`,
      SIGN_IN_MAX_FAILURES: '3',
      SIGN_IN_LOCKOUT_SECONDS: '600',
      SIGN_IN_IP_MAX_ATTEMPTS: String(IP_LIMIT),
      SIGN_IN_IP_WINDOW_SECONDS: '600',
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_STORE: 'postgres',
    });
    await runServiceMigrations(gatewayDataSourceOptions(config));
    // Two instances on one database, as two replicas behind a load balancer.
    for (let i = 0; i < 2; i++) {
      const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
        logger: ['error'],
        bodyParser: false,
      });
      configureApp(app, config);
      await app.listen(0, '127.0.0.1');
      gateways.push(app);
    }
    urls = await Promise.all(gateways.map((g) => g.getUrl()));
    db = gateways[0].get(DataSource);
    const firm = await call('POST', '/v1/firms', { key: PLATFORM_KEY, body: { name: 'Admin & Co' } });
    firmId = firm.body.id as string;
    const key = await call('POST', `/v1/firms/${firmId}/api-keys`, {
      key: PLATFORM_KEY,
      body: { name: 'admin', role: 'admin' },
    });
    adminKey = key.body.key as string;
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
  });

  async function call(
    method: string,
    path: string,
    opts: { key?: string; cookie?: string; csrf?: string; body?: unknown; ip?: string; via?: number } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
    if (opts.ip) headers['x-forwarded-for'] = opts.ip;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${urls[opts.via ?? 0]}${path}`, {
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

  async function invite(email: string, role: string): Promise<{ id: string; token: string }> {
    const invited = await call('POST', `/v1/firms/${firmId}/users`, { key: adminKey, body: { email, role } });
    expect(invited.status).toBe(201);
    return { id: invited.body.id as string, token: invited.body.inviteToken as string };
  }

  async function userWith(email: string, role: string, password: string): Promise<string> {
    const { id, token } = await invite(email, role);
    const accepted = await call('POST', '/v1/invitations/accept', { body: { token, password } });
    expect(accepted.status).toBe(200);
    return id;
  }

  async function signIn(email: string, password: string, ip = freshIp()) {
    const answer = await call('POST', '/v1/sessions', { body: { email, password }, ip });
    const cookie = answer.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    return { cookie, csrf: answer.body.csrfToken as string, answer };
  }

  async function listed(email: string): Promise<User> {
    const list = await call('GET', `/v1/firms/${firmId}/users?limit=200`, { key: adminKey });
    const user = (list.body.items as User[]).find((u) => u.email === email);
    if (!user) throw new Error(`${email} is not listed`);
    return user;
  }

  it('lists status and last sign-in, changes a role at once for an open session, and refuses a forced request', async () => {
    const asha = await userWith('asha@admin-co.example', 'admin', 'asha passphrase one');
    const raviId = await userWith('ravi@admin-co.example', 'operator', 'ravi passphrase two');
    expect(await listed('ravi@admin-co.example')).toMatchObject({ status: 'active', lastSignInAt: null });
    const ravi = await signIn('ravi@admin-co.example', 'ravi passphrase two');
    expect(ravi.answer.status).toBe(201);
    expect((await listed('ravi@admin-co.example')).lastSignInAt).not.toBeNull();

    // An operator's session may neither list nor invite users, nor change one: 403 from the API itself.
    for (const [method, path, body] of [
      ['GET', `/v1/firms/${firmId}/users`, undefined],
      ['POST', `/v1/firms/${firmId}/users`, { email: 'x@admin-co.example', role: 'admin' }],
      ['PATCH', `/v1/firms/${firmId}/users/${raviId}`, { role: 'admin' }],
      ['POST', `/v1/firms/${firmId}/users/${raviId}/unlock`, undefined],
    ] as const) {
      const refused = await call(method, path, { cookie: ravi.cookie, csrf: ravi.csrf, body });
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toMatch(/role admin; yours is operator/);
    }

    const admin = await signIn('asha@admin-co.example', 'asha passphrase one');
    const demoted = await call('PATCH', `/v1/firms/${firmId}/users/${raviId}`, {
      cookie: admin.cookie,
      csrf: admin.csrf,
      body: { role: 'viewer' },
    });
    expect(demoted.status).toBe(200);
    expect(demoted.body).toMatchObject({ role: 'viewer', status: 'active' });
    expect((await call('GET', '/v1/me', { cookie: ravi.cookie })).body.role).toBe('viewer');

    // Not oneself; and a body with nothing to change names the fields.
    const self = await call('PATCH', `/v1/firms/${firmId}/users/${asha}`, {
      cookie: admin.cookie,
      csrf: admin.csrf,
      body: { disabled: true },
    });
    expect(self.status).toBe(409);
    expect(self.body.detail).toMatch(/ask another admin/);
    const empty = await call('PATCH', `/v1/firms/${firmId}/users/${raviId}`, { key: adminKey, body: {} });
    expect(empty.status).toBe(400);
    expect((empty.body.errors as Array<{ field: string }>).map((e) => e.field)).toEqual(['role', 'disabled']);
    const badRole = await call('PATCH', `/v1/firms/${firmId}/users/${raviId}`, {
      key: adminKey,
      body: { role: 'owner' },
    });
    expect(badRole.status).toBe(400);
    const unknown = await call('PATCH', `/v1/firms/${firmId}/users/0193a8f4-5555-7abc-8def-0123456789ab`, {
      key: adminKey,
      body: { role: 'viewer' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('disables a user (sessions end, sign-in refused) and enables them again', async () => {
    const id = await userWith('meera@admin-co.example', 'operator', 'meera passphrase 3');
    const meera = await signIn('meera@admin-co.example', 'meera passphrase 3');
    const off = await call('PATCH', `/v1/firms/${firmId}/users/${id}`, {
      key: adminKey,
      body: { disabled: true },
    });
    expect(off.body).toMatchObject({ status: 'disabled' });
    expect((await call('GET', '/v1/me', { cookie: meera.cookie })).status).toBe(401);
    const refused = await signIn('meera@admin-co.example', 'meera passphrase 3');
    expect(refused.answer.status).toBe(403);
    expect(refused.answer.body.type).toBe('https://practice-sync.dev/problems/user-disabled');
    expect(refused.answer.headers.get('set-cookie')).toBeNull();
    const on = await call('PATCH', `/v1/firms/${firmId}/users/${id}`, {
      key: adminKey,
      body: { disabled: false },
    });
    expect(on.body).toMatchObject({ status: 'active' });
    expect((await signIn('meera@admin-co.example', 'meera passphrase 3')).answer.status).toBe(201);
  });

  it('unlocks a locked-out user before the lock-out ends', async () => {
    const id = await userWith('kiran@admin-co.example', 'viewer', 'kiran passphrase 4');
    const ip = freshIp();
    for (let i = 0; i < 3; i++) await signIn('kiran@admin-co.example', `wrong guess ${i}`, ip);
    const locked = await listed('kiran@admin-co.example');
    expect(locked.status).toBe('locked');
    expect(locked.lockedUntil).not.toBeNull();
    expect((await signIn('kiran@admin-co.example', 'kiran passphrase 4')).answer.status).toBe(429);
    const unlocked = await call('POST', `/v1/firms/${firmId}/users/${id}/unlock`, { key: adminKey });
    expect(unlocked.status).toBe(200);
    expect(unlocked.body).toMatchObject({ status: 'active', lockedUntil: null });
    expect((await signIn('kiran@admin-co.example', 'kiran passphrase 4')).answer.status).toBe(201);
  });

  it('resends an invitation: the old token stops working, the new one works, and not after the password is set', async () => {
    const first = await invite('neha@admin-co.example', 'operator');
    const again = await call('POST', `/v1/firms/${firmId}/users/${first.id}/invitation`, { key: adminKey });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ status: 'invited', email: 'neha@admin-co.example' });
    const token = again.body.inviteToken as string;
    expect(token).not.toBe(first.token);
    const old = await call('POST', '/v1/invitations/accept', {
      body: { token: first.token, password: 'neha passphrase five' },
    });
    expect(old.status).toBe(404);
    const accepted = await call('POST', '/v1/invitations/accept', {
      body: { token, password: 'neha passphrase five' },
    });
    expect(accepted.status).toBe(200);
    const late = await call('POST', `/v1/firms/${firmId}/users/${first.id}/invitation`, { key: adminKey });
    expect(late.status).toBe(409);
    expect(late.body.detail).toMatch(/already set a password/);
  });

  it('rehashes a hash made with other argon2 parameters at sign-in; the old hash still signs in', async () => {
    const id = await userWith('old@admin-co.example', 'viewer', 'an old passphrase 6');
    // A hash from before the tuning: the argon2 library's defaults (64 MiB, t=3, p=4).
    const legacy = await argon2.hash('an old passphrase 6', {
      type: argon2.argon2id,
      memoryCost: 65_536,
      timeCost: 3,
      parallelism: 4,
    });
    await db.query('UPDATE gateway.users SET password_hash = $2 WHERE id = $1', [id, legacy]);
    expect((await signIn('old@admin-co.example', 'an old passphrase 6')).answer.status).toBe(201);
    const [row] = (await db.query('SELECT password_hash FROM gateway.users WHERE id = $1', [id])) as Array<{
      password_hash: string;
    }>;
    expect(row.password_hash).not.toBe(legacy);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    // The new hash verifies, and is not rehashed again.
    expect((await signIn('old@admin-co.example', 'an old passphrase 6')).answer.status).toBe(201);
    const [after] = (await db.query('SELECT password_hash FROM gateway.users WHERE id = $1', [id])) as Array<{
      password_hash: string;
    }>;
    expect(after.password_hash).toBe(row.password_hash);
  });

  it('limits failed sign-ins per client IP across both instances (429, Retry-After, when to try again)', async () => {
    await userWith('ip@admin-co.example', 'viewer', 'ip limit passphrase 7');
    const ip = freshIp();
    // Successes give their attempt back: more sign-ins than the limit, all fine.
    for (let i = 0; i < IP_LIMIT + 1; i++) {
      expect((await signIn('ip@admin-co.example', 'ip limit passphrase 7', ip)).answer.status).toBe(201);
    }
    // Failures alternate between the two instances and between unknown emails: one shared budget per IP.
    const failures = [];
    for (let i = 0; i < IP_LIMIT; i++) {
      failures.push(
        await call('POST', '/v1/sessions', {
          body: { email: `nobody${i}@admin-co.example`, password: 'guessing away' },
          ip,
          via: i % 2,
        }),
      );
    }
    expect(failures.map((f) => f.status)).toEqual(Array(IP_LIMIT).fill(401));
    for (const via of [0, 1]) {
      const refused = await call('POST', '/v1/sessions', {
        body: { email: 'ip@admin-co.example', password: 'ip limit passphrase 7' },
        ip,
        via,
      });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.type).toBe('https://practice-sync.dev/problems/sign-in-throttled');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(600);
      expect(refused.body.detail).toMatch(/Try again in \d+ (seconds|minutes)\./);
    }
    // Another address is not affected; nor is an API key.
    expect((await signIn('ip@admin-co.example', 'ip limit passphrase 7')).answer.status).toBe(201);
    expect((await call('GET', '/v1/me', { key: adminKey })).status).toBe(200);
    // The budget lives in PostgreSQL, shared by the replicas.
    const [row] = (await db.query('SELECT points FROM gateway.rate_limits WHERE key = $1', [
      `signin-ip:${ip}`,
    ])) as Array<{ points: number }>;
    expect(row.points).toBeGreaterThan(IP_LIMIT);
  });
});
