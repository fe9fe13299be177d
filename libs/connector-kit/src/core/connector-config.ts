import { baseServiceEnv } from '@practice-sync/config';
import { z } from 'zod';

import type { BreakerOptions } from './portal-breaker';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * The variables every connector reads, on top of the service basics. Each app extends this in its own
 * `src/config/` and loads it there (no process.env anywhere else).
 */
export function connectorEnv(defaultPort: number, defaultBaseUrl: string) {
  return baseServiceEnv(defaultPort).extend({
    /** The portal (or sandbox) base URL, e.g. http://127.0.0.1:3100/gst. */
    PORTAL_BASE_URL: z.string().url('must be an http(s) URL').default(defaultBaseUrl),
    WORKER_CONCURRENCY: positiveInt(4),
    /** Limit for one whole fetch of a category (every page). */
    FETCH_TIMEOUT_MS: positiveInt(120_000),
    /** Limit for one portal call; slower calls count against the breaker. */
    BREAKER_TIMEOUT_MS: positiveInt(15_000),
    BREAKER_ERROR_THRESHOLD_PERCENTAGE: z.coerce.number().min(1).max(100).default(50),
    BREAKER_RESET_TIMEOUT_MS: positiveInt(30_000),
    BREAKER_VOLUME_THRESHOLD: positiveInt(10),
    /** A job whose process stops heartbeating is claimed again after this long. */
    JOB_LEASE_MS: positiveInt(60_000),
    JOB_POLL_INTERVAL_MS: positiveInt(1000),
  });
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
  logLevel: string;
  /** Claims before a job that keeps dying with its process is failed (default 5). */
  maxClaims?: number;
}

export function connectorSettingsFrom(env: ConnectorEnv): ConnectorSettings {
  return {
    baseUrl: env.PORTAL_BASE_URL,
    concurrency: env.WORKER_CONCURRENCY,
    fetchTimeoutMs: env.FETCH_TIMEOUT_MS,
    breaker: {
      timeoutMs: env.BREAKER_TIMEOUT_MS,
      errorThresholdPercentage: env.BREAKER_ERROR_THRESHOLD_PERCENTAGE,
      resetTimeoutMs: env.BREAKER_RESET_TIMEOUT_MS,
      volumeThreshold: env.BREAKER_VOLUME_THRESHOLD,
    },
    leaseMs: env.JOB_LEASE_MS,
    pollIntervalMs: env.JOB_POLL_INTERVAL_MS,
    logLevel: env.LOG_LEVEL,
  };
}
