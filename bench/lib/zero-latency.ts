/**
 * The service settings of a "portal at zero latency" measurement: the sandbox answers at once (no queued-answer,
 * statement-job or e-sign polling delays), the connectors poll queued answers quickly and no per-account rate
 * limit applies — so what remains is practice-sync's own cost, which is what the ratio measures.
 */
export const ZERO_LATENCY_ENV: Readonly<Record<string, string>> = {
  SANDBOX_QUEUE_READY_MS: '0',
  SANDBOX_ITR_JOB_READY_MS: '0',
  SANDBOX_ESIGN_POLL_INTERVAL_MS: '0',
  ASYNC_POLL_INTERVAL_MS: '50',
  PORTAL_RATE_LIMIT_PER_MINUTE: '0',
};
