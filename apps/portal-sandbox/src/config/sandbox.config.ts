import { baseServiceEnv, loadConfig } from '@practice-sync/config';
import { z } from 'zod';

/** The sandbox needs no Kafka or database; it keeps the base variables so every service reads the same set. */
export const sandboxEnv = baseServiceEnv(3100).extend({
  /** Mixed into every hash: a different seed gives a different (but again deterministic) world. */
  SANDBOX_WORLD_SEED: z.string().min(1).default('practice-sync'),
  /** How many generated GSTR-2B documents are kept in memory (least recently used are dropped). */
  /**
   * Where the sandbox clock starts at boot and on reset (ISO 8601); unset means the real now. Pinning it
   * makes date-dependent answers (which 2B periods exist, ITR statuses) the same on every day a test runs.
   */
  SANDBOX_START_AT: z
    .string()
    .datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2025-03-10T09:00:00Z' })
    .optional(),
  SANDBOX_CACHE_ENTRIES: z.coerce.number().int().min(1).max(100_000).default(256),
});

export type SandboxConfig = z.output<typeof sandboxEnv>;

export const SANDBOX_CONFIG = Symbol('SANDBOX_CONFIG');

export function loadSandboxConfig(env: Record<string, string | undefined> = process.env): SandboxConfig {
  return loadConfig(sandboxEnv, env);
}
