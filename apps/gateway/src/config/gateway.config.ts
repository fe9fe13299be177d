import { baseServiceEnv, loadConfig } from '@practice-sync/config';
import { z } from 'zod';

export const GatewayConfigSchema = baseServiceEnv(3000).extend({
  /** Creates firms and their first keys; never stored, compared by hash. */
  PLATFORM_API_KEY: z.string().min(16, 'must be at least 16 characters'),
  CLIENT_MASTER_URL: z.string().url().default('http://127.0.0.1:3001'),
  SYNC_ORCHESTRATOR_URL: z.string().url().default('http://127.0.0.1:3002'),
  /** How long the gateway waits for an internal service before answering 504. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Largest accepted JSON body, in body-parser notation. */
  BODY_LIMIT: z.string().default('1mb'),
});

export type GatewayConfig = z.output<typeof GatewayConfigSchema>;

/** Masked when the config is logged (the database URL may carry a password). */
export const GATEWAY_SECRETS = ['PLATFORM_API_KEY', 'DATABASE_URL'] as const;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(GatewayConfigSchema, env);
}
