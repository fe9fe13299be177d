import { baseServiceEnv, loadConfig, serviceUrls } from '@practice-sync/config';
import { z } from 'zod';

export const OrchestratorEnvSchema = baseServiceEnv(3002).extend({
  /**
   * client-master's internal base URL, or its instances' separated by commas (no load balancer in front); the
   * fan-out pages client selections through it.
   */
  CLIENT_MASTER_URL: serviceUrls('http://127.0.0.1:3001'),
  /** How long one client-master call (its retries included) may take before it counts as failed. */
  CLIENT_MASTER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** How often the fan-out worker looks for queued runs (a new run is also picked up at once). */
  FAN_OUT_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** Clients per client-master page; one page is fanned out in one transaction. */
  FAN_OUT_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(500),
  /** How often the dispatcher looks for jobs to dispatch (also woken at once), lost jobs and coalesced progress. */
  DISPATCH_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(250),
  /**
   * The least time between two dispatch passes woken by nudges (each result nudges): results that land within it
   * are served by one pass (one transaction, one batch of job messages) instead of a pass each. 0: every nudge.
   */
  DISPATCH_NUDGE_GAP_MS: z.coerce.number().int().min(0).max(10_000).default(100),
  /**
   * How often the dispatcher looks when no job is pending or running anywhere (an idle orchestrator): a new run
   * wakes it at once, so this only bounds how soon it sees a run another orchestrator instance fanned out.
   * Never below DISPATCH_POLL_MS.
   */
  DISPATCH_IDLE_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(2000),
  /** Dispatched-but-unfinished jobs one firm may have per portal family (so one firm cannot take a portal). */
  DISPATCH_FIRM_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(50),
  /** Dispatched-but-unfinished jobs per portal family across every firm (what the connectors are given). */
  DISPATCH_PORTAL_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(200),
  /** Attempts a job gets for retryable failures and lost results, the first included. */
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  /** Back-off before attempt n+1 is JOB_RETRY_BASE_MS × 2^(n-1), capped at JOB_RETRY_MAX_MS. */
  JOB_RETRY_BASE_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  JOB_RETRY_MAX_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
  /**
   * A job the portal throttles (rate_limited with the portal's Retry-After) is re-queued for when the portal
   * allows, without spending an attempt, at most this many times; after that its throttled attempts count.
   */
  JOB_RATE_LIMIT_MAX_DEFERRALS: z.coerce.number().int().min(0).max(1000).default(20),
  /** The longest a throttled job waits for the portal's Retry-After before it is dispatched again. */
  JOB_RATE_LIMIT_MAX_WAIT_MS: z.coerce.number().int().min(0).max(86_400_000).default(900_000),
  /** A dispatched job without a result after this is lost: it expires and is re-dispatched. */
  JOB_RESULT_DEADLINE_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
  /**
   * Branch sync: a books job is dispatched only with its link's books servers and rules read from client-master
   * within this long; an older read (a job queued behind the caps or in back-off) is re-read first, so a rule
   * the server side rejected meanwhile moves nothing (the job ends skipped saying so). The refresh looks every
   * quarter of this (never more often than FAN_OUT_POLL_MS) and re-reads a job at half of it.
   */
  BOOKS_LINK_MAX_AGE_MS: z.coerce.number().int().min(100).max(86_400_000).default(30_000),
  /** At most one `progress` event per run per interval (results in between are coalesced). */
  PROGRESS_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(1_000),
  /** How often an SSE stream looks at its run. */
  SSE_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  /** How often due schedules are looked for. */
  SCHEDULE_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
});

export type OrchestratorConfig = z.output<typeof OrchestratorEnvSchema>;

/** Injection token for the validated configuration. */
export const ORCHESTRATOR_CONFIG = Symbol('ORCHESTRATOR_CONFIG');

export const SERVICE_NAME = 'sync-orchestrator';
export const DATABASE_SCHEMA = 'sync_orchestrator';

/** Reads and validates the environment once, at boot; throws naming every bad variable. */
export function loadOrchestratorConfig(env?: Record<string, string | undefined>): OrchestratorConfig {
  return env ? loadConfig(OrchestratorEnvSchema, env) : loadConfig(OrchestratorEnvSchema);
}
