import { baseServiceEnv, loadConfig } from '@practice-sync/config';
import { z } from 'zod';

const flag = <T extends string>(values: [T, T], fallback: T) => z.enum(values).default(fallback);

/** The sandbox needs no Kafka or database; it keeps the base variables so every service reads the same set. */
export const sandboxEnv = baseServiceEnv(3100).extend({
  /** Mixed into every hash: a different seed gives a different (but again deterministic) world. */
  SANDBOX_WORLD_SEED: z.string().min(1).default('practice-sync'),
  /**
   * Where the sandbox clock starts at boot and on reset (ISO 8601); unset means the real now. Pinning it
   * makes date-dependent answers (which 2B periods exist, ITR statuses) the same on every day a test runs.
   */
  SANDBOX_START_AT: z
    .string()
    .datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2025-03-10T09:00:00Z' })
    .optional(),
  /** How many generated GSTR-2B documents are kept in memory (least recently used are dropped). */
  SANDBOX_CACHE_ENTRIES: z.coerce.number().int().min(1).max(100_000).default(256),
  /** `on`: the app_key/SEK/REK envelope of the real GSTN API; `off`: plain JSON (OTP and data in clear). */
  SANDBOX_GST_ENCRYPTION: flag(['on', 'off'], 'on'),
  /** `true`: every read needs its session (GST auth-token, ITR session + PAN consent, e-sign account key). */
  SANDBOX_REQUIRE_SESSIONS: flag(['true', 'false'], 'true').transform((v) => v === 'true'),
  /** Live GST sessions one GSTIN may hold; one more AUTHTOKEN answers AUTH403. */
  SANDBOX_GST_MAX_SESSIONS: z.coerce.number().int().min(1).max(1000).default(5),
  /**
   * Sandbox-clock minutes a GSTIN stays locked after an AUTHTOKEN beyond SANDBOX_GST_MAX_SESSIONS: no new
   * session (OTPREQUEST, AUTHTOKEN → AUTH403) until then, logging out or not. GSTN locks for hours (unconfirmed).
   */
  SANDBOX_GST_LOCKOUT_MINUTES: z.coerce.number().int().min(0).max(10_080).default(360),
  /** Real milliseconds before a queued GST answer (status_cd 2) can be fetched with FILEDET. */
  SANDBOX_QUEUE_READY_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  /** Real milliseconds a queued answer's token and files stay downloadable once ready (then unknown token). */
  SANDBOX_QUEUE_TTL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(600_000),
  /** Real milliseconds before an AIS/TIS/26AS download job is done (or failed). */
  SANDBOX_ITR_JOB_READY_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  /** Minutes of sandbox time without a request after which the ITR intermediary session expires. */
  SANDBOX_ITR_IDLE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(1440),
  /** Real milliseconds a client must wait between two polls of the same e-sign request (else 429). */
  SANDBOX_ESIGN_POLL_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
});

export type SandboxConfig = z.output<typeof sandboxEnv>;

export const SANDBOX_CONFIG = Symbol('SANDBOX_CONFIG');

export function loadSandboxConfig(env: Record<string, string | undefined> = process.env): SandboxConfig {
  return loadConfig(sandboxEnv, env);
}
