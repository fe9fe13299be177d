/** SQLSTATEs that say the server (not the statement) is the problem: it is going away, restarting or refusing. */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown: the backend was terminated (pg_terminate_backend, a fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '53300', // too_many_connections
]);

/** Socket errors of a server that is down or cannot be reached. */
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * What node-postgres and its pool say when a connection dies or cannot be had, and what TypeORM says when a
 * transaction goes on after its connection died under it (the query runner released on the connection's error:
 * "Query runner already released", "…provided by a query runner was already released"), seen in the chaos
 * suite's PostgreSQL restart as the error of connector finishes and consumer batches.
 */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|is not queryable|timeout exceeded when trying to connect|Connection ended unexpectedly|is not currently accepting connections|the database system is (starting up|shutting down|in recovery mode)|query runner (was )?already released/i;

/**
 * True when `error` says PostgreSQL could not be reached or dropped the connection (a restart, a killed backend,
 * a refused connection), as opposed to a statement that failed (a constraint, a deadlock, a bug). Work that failed
 * for this reason is not the work's fault: retry it once the database answers, without counting it against the
 * work's attempts. Looks through TypeORM's `QueryFailedError.driverError` and `cause` chains.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message, driverError, cause } = e as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof code === 'string' && UNAVAILABLE_ERRNO.has(code)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    e = driverError ?? cause;
  }
  return false;
}
