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

/**
 * The portal world every pipeline measurement runs in, whatever the calendar day: the sandbox's clock starts at
 * 2026-11-22 and runs ask for the periods that were current then (GSTR-2B for October 2026, generated on
 * 14 November, about 1,000 invoices per GSTIN; assessment year 2027-28). Without this, the default periods
 * follow today's date and the workload with them: before the 14th of a month that month's GSTR-2B is "not
 * generated yet", and a tenth of the jobs fail at once without records.
 */
export const BENCH_WORLD = {
  env: { SANDBOX_START_AT: '2026-11-22T10:00:00.000Z' } as Readonly<Record<string, string>>,
  period: { gst: '102026', itr: '2027-28' },
} as const;
