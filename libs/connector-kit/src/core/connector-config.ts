import { baseServiceEnv } from '@practice-sync/config';
import { z } from 'zod';

import type { CredentialKey } from '../access/credential-cipher';
import { parseCredentialKeys } from '../access/credential-cipher';
import type { BreakerOptions } from './portal-breaker';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const nonNegativeInt = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/**
 * A key for development and tests only; production configs must set their own (refused there). Generated
 * keys: `node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`.
 */
export const DEV_CREDENTIALS_KEYS = 'dev:ZGV2LW9ubHktY3JlZGVudGlhbHMta2V5LTMyYnl0ZXM=';

/**
 * The variables every connector reads, on top of the service basics. Each app extends this in its own
 * `src/config/` and loads it there (no process.env anywhere else).
 */
export function connectorEnv(defaultPort: number, defaultBaseUrl: string) {
  return baseServiceEnv(defaultPort).extend({
    /** The portal (or sandbox) base URL, e.g. http://127.0.0.1:3100/gst. */
    PORTAL_BASE_URL: z.string().url('must be an http(s) URL').default(defaultBaseUrl),
    /**
     * Jobs worked on at once. A job mostly waits on the portal (queued answers, paging, polls), so this is
     * well above the request caps below, which are what actually bound the pressure on the portal.
     */
    WORKER_CONCURRENCY: positiveInt(16),
    /** Limit for one whole fetch of a category (every page). */
    FETCH_TIMEOUT_MS: positiveInt(120_000),
    /** Limit for one portal call; slower calls count against the breaker. */
    BREAKER_TIMEOUT_MS: positiveInt(15_000),
    BREAKER_ERROR_THRESHOLD_PERCENTAGE: z.coerce.number().min(1).max(100).default(50),
    BREAKER_RESET_TIMEOUT_MS: positiveInt(30_000),
    BREAKER_VOLUME_THRESHOLD: positiveInt(10),
    /** The window the failure percentage is measured over (10 buckets). */
    BREAKER_ROLLING_WINDOW_MS: z.coerce.number().int().min(1000).multipleOf(10).default(10_000),
    /** Breakers kept at most when there is one per upstream (connector-books: per books server). */
    BREAKER_MAX_KEYS: positiveInt(1000),
    /**
     * How long jobs wait for their portal while its circuit breaker is open (the portal down) before they fail
     * `portal_unavailable`. Waiting jobs are not tried and spend no attempt. 5 min: a short outage (a minute, a
     * few) only delays a run, and a waiting job still reports well within the orchestrator's result deadline
     * (JOB_RESULT_DEADLINE_MS, 10 min), so it is never taken for lost and sent twice.
     */
    PORTAL_OUTAGE_WAIT_MS: positiveInt(300_000),
    /** A job whose process stops heartbeating is claimed again after this long. */
    JOB_LEASE_MS: positiveInt(60_000),
    JOB_POLL_INTERVAL_MS: positiveInt(1000),
    /**
     * While no job is known to wait, the poll claims at most this often (it still looks for dead workers' jobs
     * every JOB_POLL_INTERVAL_MS). A job recorded by this replica, or taken back from a dead worker, is claimed at
     * once; one recorded by another replica whose workers are all busy, or whose lease ran out, within this long.
     */
    JOB_IDLE_CLAIM_MS: positiveInt(5000),
    NODE_ENV: z.string().default('development'),
    /** Keyring for portal secrets at rest: `id:base64(32 bytes)[,id:…]`; every key decrypts. */
    CREDENTIALS_KEYS: z
      .string()
      .default(DEV_CREDENTIALS_KEYS)
      .refine((v) => parseCredentialKeysSafe(v), 'must be id:base64(32 bytes)[,id:base64(32 bytes)…]'),
    /** The key new secrets are encrypted with (default: the first of CREDENTIALS_KEYS). */
    CREDENTIALS_KEY_ID: z.string().optional(),
    /**
     * false: a job whose identifier has no stored access calls the portal without a session (a portal or
     * sandbox that does not require one). true (default): such a job ends failed / credentials_missing.
     */
    REQUIRE_CREDENTIALS: flag(true),
    /** Portal calls per minute per portal account (GSTIN, ERI account, e-sign key); 0 = no limit. */
    PORTAL_RATE_LIMIT_PER_MINUTE: nonNegativeInt(600),
    /** Portal calls in flight at once per portal account. */
    PORTAL_ACCOUNT_CONCURRENCY: positiveInt(4),
    /**
     * Portal calls one firm may have in flight (or queued for the process cap) at once: kept below
     * PORTAL_MAX_CONCURRENT_REQUESTS so a firm with hundreds of jobs never holds every slot and another firm's
     * single job is served alongside it.
     */
    PORTAL_FIRM_CONCURRENCY: positiveInt(8),
    /** Portal calls in flight at once for the whole connector process. */
    PORTAL_MAX_CONCURRENT_REQUESTS: positiveInt(16),
    /** Attempts of one portal call on transient errors (timeouts, 5xx, resets, 429), first included. */
    RETRY_MAX_ATTEMPTS: positiveInt(3),
    RETRY_BASE_DELAY_MS: positiveInt(250),
    /**
     * Longest wait between attempts, also the longest Retry-After honoured in process; a longer one ends the
     * job attempt `rate_limited` with the portal's retry time, and the orchestrator re-queues it for then.
     */
    RETRY_MAX_DELAY_MS: positiveInt(10_000),
    /** Bounded waiting for queued portal answers (GST FILEDET, ITR statements). */
    ASYNC_WAIT_MAX_MS: positiveInt(60_000),
    ASYNC_POLL_INTERVAL_MS: positiveInt(500),
    /** A session is refreshed when it has less than this left. */
    SESSION_REFRESH_MARGIN_MINUTES: positiveInt(30),
    /** Serialized size budget of one client.records.v1 message (the broker's limit is 1 MB). */
    RECORDS_CHUNK_BYTES: z.coerce.number().int().min(4096).max(900_000).default(256_000),
    /**
     * Jobs finishing together commit in one transaction (group commit), at most this many; 1 = each job commits
     * its own, as before group commit.
     */
    FINISH_GROUP_MAX_JOBS: positiveInt(64),
    /** How long a finishing job waits for others to join its transaction when none is running (0: it does not). */
    FINISH_GROUP_LINGER_MS: nonNegativeInt(0),
    /**
     * How long the access rows read with a claim answer its jobs' first reads (0: each job reads its own, one
     * transaction per job and identifier).
     */
    ACCESS_READ_AHEAD_MS: nonNegativeInt(2000),
  });
}

function parseCredentialKeysSafe(value: string): boolean {
  try {
    const keys = parseCredentialKeys(value);
    return keys.length > 0 && keys.every((k) => k.key.length === 32);
  } catch {
    return false;
  }
}

export type ConnectorEnv = z.output<ReturnType<typeof connectorEnv>>;

/** The runtime settings of the kit, derived from a connector's loaded config. */
export interface ConnectorSettings {
  baseUrl: string;
  concurrency: number;
  fetchTimeoutMs: number;
  breaker: BreakerOptions;
  leaseMs: number;
  pollIntervalMs: number;
  /** While no job is known to wait, claims at most this often (`WorkerPoolOptions.idleClaimIntervalMs`). */
  idleClaimIntervalMs?: number;
  logLevel: string;
  /** How long jobs wait for a portal whose breaker is open before they fail (default 5 min). */
  outageWaitMs?: number;
  /** Claims before a job that keeps dying with its process is failed (default 5). */
  maxClaims?: number;
  credentials: { keys: CredentialKey[]; activeKeyId: string; required: boolean };
  limits: {
    perMinute: number;
    perAccountConcurrency: number;
    perFirmConcurrency: number;
    maxConcurrent: number;
  };
  retry: RetryOptions;
  asyncWait: { maxMs: number; pollIntervalMs: number };
  sessionRefreshMarginMs: number;
  recordsChunkBytes: number;
  /** Group commit of finishing jobs (`GroupCommit`): most jobs per transaction (1 = off) and linger. */
  finishGroup?: { maxJobs: number; lingerMs: number };
  /** How long access rows read ahead with a claim answer its jobs (`AccessStore.readAhead`; 0 = off). */
  accessReadAheadMs?: number;
}

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export function connectorSettingsFrom(env: ConnectorEnv): ConnectorSettings {
  // Checked here rather than in the schema so apps can still `.extend()` connectorEnv.
  if (env.NODE_ENV === 'production' && env.CREDENTIALS_KEYS === DEV_CREDENTIALS_KEYS) {
    throw new Error('CREDENTIALS_KEYS: the development key is refused in production; set a real key');
  }
  const keys = parseCredentialKeys(env.CREDENTIALS_KEYS);
  const activeKeyId = env.CREDENTIALS_KEY_ID ?? keys[0].id;
  if (!keys.some((k) => k.id === activeKeyId)) {
    throw new Error('CREDENTIALS_KEY_ID: must name a key of CREDENTIALS_KEYS');
  }
  return {
    baseUrl: env.PORTAL_BASE_URL,
    concurrency: env.WORKER_CONCURRENCY,
    fetchTimeoutMs: env.FETCH_TIMEOUT_MS,
    breaker: {
      timeoutMs: env.BREAKER_TIMEOUT_MS,
      errorThresholdPercentage: env.BREAKER_ERROR_THRESHOLD_PERCENTAGE,
      resetTimeoutMs: env.BREAKER_RESET_TIMEOUT_MS,
      volumeThreshold: env.BREAKER_VOLUME_THRESHOLD,
      rollingWindowMs: env.BREAKER_ROLLING_WINDOW_MS,
      maxKeys: env.BREAKER_MAX_KEYS,
    },
    outageWaitMs: env.PORTAL_OUTAGE_WAIT_MS,
    leaseMs: env.JOB_LEASE_MS,
    pollIntervalMs: env.JOB_POLL_INTERVAL_MS,
    idleClaimIntervalMs: env.JOB_IDLE_CLAIM_MS,
    logLevel: env.LOG_LEVEL,
    credentials: {
      keys,
      activeKeyId,
      required: env.REQUIRE_CREDENTIALS,
    },
    limits: {
      perMinute: env.PORTAL_RATE_LIMIT_PER_MINUTE,
      perAccountConcurrency: env.PORTAL_ACCOUNT_CONCURRENCY,
      perFirmConcurrency: env.PORTAL_FIRM_CONCURRENCY,
      maxConcurrent: env.PORTAL_MAX_CONCURRENT_REQUESTS,
    },
    retry: {
      maxAttempts: env.RETRY_MAX_ATTEMPTS,
      baseDelayMs: env.RETRY_BASE_DELAY_MS,
      maxDelayMs: env.RETRY_MAX_DELAY_MS,
    },
    asyncWait: { maxMs: env.ASYNC_WAIT_MAX_MS, pollIntervalMs: env.ASYNC_POLL_INTERVAL_MS },
    sessionRefreshMarginMs: env.SESSION_REFRESH_MARGIN_MINUTES * 60_000,
    recordsChunkBytes: env.RECORDS_CHUNK_BYTES,
    finishGroup: { maxJobs: env.FINISH_GROUP_MAX_JOBS, lingerMs: env.FINISH_GROUP_LINGER_MS },
    accessReadAheadMs: env.ACCESS_READ_AHEAD_MS,
  };
}

/** Config keys holding secrets (masked when the config is logged). */
export const CONNECTOR_SECRET_KEYS = ['CREDENTIALS_KEYS'] as const;
