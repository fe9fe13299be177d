import type { OrchestratorConfig } from '../config/orchestrator.config';
import type { SaveRunOptions } from '../runs/run-announcer';
import type { RetryPolicy } from './dispatch-policy';

/** Expired or waiting jobs handled per pass; the rest on the next one. */
export const BATCH = 500;

/** How a step saves and announces a run it changed (progress coalesced per PROGRESS_INTERVAL_MS). */
export function announceOptions(config: OrchestratorConfig, now: Date, causationId: string): SaveRunOptions {
  return { now, causationId, progressIntervalMs: config.PROGRESS_INTERVAL_MS };
}

export function retryPolicyOf(config: OrchestratorConfig): RetryPolicy {
  return {
    maxAttempts: config.JOB_MAX_ATTEMPTS,
    baseMs: config.JOB_RETRY_BASE_MS,
    maxMs: config.JOB_RETRY_MAX_MS,
  };
}
