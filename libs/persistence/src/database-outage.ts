import { isDatabaseUnavailable } from './database-unavailable';

/**
 * The longest wait between two tries while the database is unreachable. Short on purpose: a try against a
 * server that is down costs one refused connect (a few hundred µs), while every millisecond of the wait after the
 * server is back is work standing still. A PostgreSQL restart (`pg_ctl restart -m fast`) takes about a second, so
 * 1 s keeps the work within about a second of the database answering again.
 */
export const OUTAGE_RETRY_MAX_MS = 1000;
/** The first wait after an unreachable database; doubles up to OUTAGE_RETRY_MAX_MS. */
export const OUTAGE_RETRY_FIRST_MS = 100;

export interface OutageRetryOptions {
  /** Stop waiting (the process is stopping): the last database error is thrown. */
  signal?: AbortSignal;
  /** Called once, at the first try that found the database unreachable. */
  onUnavailable?: (error: unknown) => void;
  /** Called once the work succeeds (or fails otherwise) after the database was unreachable, with the wait. */
  onBack?: (outageMs: number) => void;
  maxDelayMs?: number;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** The wait before try `n + 1` after `n` tries that found the database unreachable (n ≥ 1). */
export function outageRetryDelayMs(n: number, maxDelayMs = OUTAGE_RETRY_MAX_MS): number {
  return Math.min(maxDelayMs, OUTAGE_RETRY_FIRST_MS * 2 ** (n - 1));
}

/**
 * Runs `work`, and runs it again for as long as it fails because the database cannot be reached
 * (`isDatabaseUnavailable`: a restart, a killed backend, a refused connection), every ≤ 1 s. Any other error is
 * thrown at once, as is the database error once `signal` aborts. For work whose result would otherwise be dropped
 * by an outage and redone only after a timeout (a connector's fetched job waiting out its 60 s lease): the work
 * must be safe to run again (a transaction that either committed or did not; when the commit's answer was lost,
 * the next try must see what it did, e.g. through a fence).
 */
export async function retryWhileDatabaseUnavailable<T>(
  work: () => Promise<T>,
  options: OutageRetryOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let failures = 0;
  let since = 0;
  for (;;) {
    try {
      const result = await work();
      if (failures > 0) options.onBack?.(Date.now() - since);
      return result;
    } catch (error) {
      if (!isDatabaseUnavailable(error) || options.signal?.aborted) {
        if (failures > 0) options.onBack?.(Date.now() - since);
        throw error;
      }
      if (failures++ === 0) {
        since = Date.now();
        options.onUnavailable?.(error);
      }
      await sleep(outageRetryDelayMs(failures, options.maxDelayMs));
      if (options.signal?.aborted) throw error;
    }
  }
}
