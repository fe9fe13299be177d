import { baseServiceEnv, loadConfig, serviceUrls } from '@practice-sync/config';
import { z } from 'zod';

export const GatewayConfigSchema = baseServiceEnv(3000).extend({
  /** Creates firms and their first keys; never stored, compared by hash. */
  PLATFORM_API_KEY: z.string().min(16, 'must be at least 16 characters'),
  /** Each internal service's base URL, or its instances' separated by commas (no load balancer in front). */
  CLIENT_MASTER_URL: serviceUrls('http://127.0.0.1:3001'),
  SYNC_ORCHESTRATOR_URL: serviceUrls('http://127.0.0.1:3002'),
  CONNECTOR_GST_URL: serviceUrls('http://127.0.0.1:3003'),
  CONNECTOR_ITR_URL: serviceUrls('http://127.0.0.1:3004'),
  CONNECTOR_ESIGN_URL: serviceUrls('http://127.0.0.1:3005'),
  /** Branch sync's conflict queue. */
  CONNECTOR_BOOKS_URL: serviceUrls('http://127.0.0.1:3006'),
  /** How long the gateway waits for an internal service before answering 504. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Further attempts of an idempotent internal call after a connection failure or a 503. */
  UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** Largest accepted JSON body, in body-parser notation. */
  BODY_LIMIT: z.string().default('1mb'),
  /** Largest accepted CSV import body (10,000 rows of DESIGN.md's columns fit comfortably). */
  IMPORT_BODY_LIMIT: z.string().default('8mb'),
  /** Rows per `POST .../clients/bulk` call of a CSV import. */
  IMPORT_CHUNK_SIZE: z.coerce.number().int().min(1).max(5_000).default(250),
  /** Bulk calls of one import in flight at once. */
  IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  /** Requests each API key may make per window before answering 429. */
  RATE_LIMIT_POINTS: z.coerce.number().int().min(1).default(3000),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** `postgres` shares the budget between gateway replicas; `memory` is per process (single instance, tests). */
  RATE_LIMIT_STORE: z.enum(['postgres', 'memory']).default('postgres'),
  /**
   * Requests a gateway reserves from the shared budget at once (one PostgreSQL write per block, not per
   * request); capped at a tenth of RATE_LIMIT_POINTS. Bigger blocks write less; each replica may hold up to a
   * block minus one unspent, so with N replicas a key can be refused up to N × (block − 1) requests early —
   * never allowed more than RATE_LIMIT_POINTS. See rate-limit/quota-limiter.ts.
   */
  RATE_LIMIT_BLOCK: z.coerce.number().int().min(1).max(10_000).default(50),
  /**
   * How long a gateway trusts an API key it has checked before asking PostgreSQL again. Revoking through a
   * gateway ends the key there at once; on the other replicas within this time. 0: ask on every request.
   */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  /** How long an Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  /** How long a console sign-in lasts before the person signs in again (absolute, not sliding). */
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** `Secure` on the session cookies; only a plain-HTTP local stack turns it off. */
  SESSION_COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Failed sign-ins in a row that lock a user out, and for how long. */
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  SIGN_IN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /**
   * Sign-in attempts per client IP (`req.ip`, see TRUST_PROXY) per window, before 429 `sign-in-throttled`;
   * only failed attempts use the budget (a success gives its point back). Shared between replicas through
   * RATE_LIMIT_STORE. Per-email guessing is stopped by the lock-out above.
   */
  SIGN_IN_IP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100_000).default(10),
  SIGN_IN_IP_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * Express's `trust proxy`: which hops' X-Forwarded-For to believe when telling the client's IP. `false`
   * (default: the socket's peer is the client), a hop count (`1`: one proxy in front), or a comma list of
   * addresses/subnets or `loopback` / `linklocal` / `uniquelocal`. `true` (trust any sender) is refused: every
   * client could then pick its own IP and escape the per-IP sign-in limit.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .refine((v) => v.trim() !== 'true', {
      message: 'must not be true (any client could pick its IP); name the proxies or a hop count',
    })
    .transform((v): boolean | number | string => {
      const t = v.trim();
      if (t === 'false' || t === '') return false;
      return /^\d+$/.test(t) ? Number(t) : t;
    }),
  /**
   * argon2id cost of new password hashes (and of old ones rehashed at sign-in). Defaults: OWASP's Password
   * Storage Cheat Sheet, first argon2id row (m = 19 MiB, t = 2, p = 1).
   */
  PASSWORD_HASH_MEMORY_KIB: z.coerce
    .number()
    .int()
    .min(7_168, 'must be at least 7168 KiB (OWASP: m=7 MiB with t=5 is the lowest)')
    .max(4_194_304)
    .default(19_456),
  PASSWORD_HASH_TIME_COST: z.coerce.number().int().min(1).max(20).default(2),
  PASSWORD_HASH_PARALLELISM: z.coerce.number().int().min(1).max(16).default(1),
  /** How long an invitation to set a password stays valid. */
  INVITE_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
  /** The built console (apps/console/dist) served under `/`; unset: no console. */
  CONSOLE_DIR: z.string().min(1).optional(),
});

export type GatewayConfig = z.output<typeof GatewayConfigSchema>;

/** Masked when the config is logged (the database URL may carry a password). */
export const GATEWAY_SECRETS = ['PLATFORM_API_KEY', 'DATABASE_URL'] as const;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(GatewayConfigSchema, env);
}
