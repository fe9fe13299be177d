import { AsyncLocalStorage } from 'node:async_hooks';

/** Headers that tie a call to the request that caused it; carried from an incoming request to every call. */
export const TRACE_HEADERS = ['x-request-id', 'traceparent', 'tracestate'] as const;

const storage = new AsyncLocalStorage<Record<string, string>>();

/** The trace headers of the request being handled (none outside one: a consumer, a timer). */
export function currentTraceHeaders(): Record<string, string> {
  return storage.getStore() ?? {};
}

/** Runs `fn` with these trace headers as the current ones. */
export function withTraceHeaders<T>(headers: Record<string, string>, fn: () => T): T {
  return storage.run(headers, fn);
}

/**
 * Express/Nest middleware: remembers the incoming request's `x-request-id` and W3C `traceparent`/`tracestate`
 * for the calls its handler makes. Mount it after the body parsers (their stream callbacks lose the context).
 */
export function traceContextMiddleware(
  req: { headers: Record<string, string | string[] | undefined> },
  _res: unknown,
  next: () => void,
): void {
  const headers: Record<string, string> = {};
  for (const name of TRACE_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string' && value !== '') headers[name] = value;
  }
  storage.run(headers, next);
}
