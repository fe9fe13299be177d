import { baseServiceEnv, loadConfig } from '@practice-sync/config';
import { z } from 'zod';

export const OrchestratorEnvSchema = baseServiceEnv(3002).extend({
  /** client-master's internal base URL; the fan-out pages client selections through it. */
  CLIENT_MASTER_URL: z.string().url('must be an http(s) URL').default('http://127.0.0.1:3001'),
  /** How often the fan-out worker looks for queued runs (a new run is also picked up at once). */
  FAN_OUT_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** Clients per client-master page; one page is fanned out in one transaction. */
  FAN_OUT_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(500),
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
