import type { Category } from '@practice-sync/contracts';

import type { ConnectorMetrics } from './connector-metrics';
import { errorForFetchFailure, errorForHttpStatus, parseJsonBody } from './http-error-mapping';
import type { PortalBreaker } from './portal-breaker';
import { CircuitOpenError } from './portal-breaker';
import { isPortalError } from './portal-error';

export interface PortalGetRequest {
  /** For metrics labels. */
  category: Category;
  /** Relative to the portal base URL, e.g. `/taxpayerapi/v4.0/returns/gstr2b`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** The job's signal (job time limit, shutdown). */
  signal: AbortSignal;
  /** What is being fetched, for error messages: "GSTR-2B page 2 of 3". */
  what: string;
}

export interface PortalHttpOptions {
  baseUrl: string;
  /** Per call; the breaker uses the same limit. */
  requestTimeoutMs: number;
  breaker: PortalBreaker;
  metrics: ConnectorMetrics;
  /** Injected in tests. */
  fetchImpl?: typeof fetch;
}

/**
 * GET-and-decode for portal calls: behind the circuit breaker, with a per-call timeout, metrics, and every
 * failure mapped to a PortalError. `decode` runs inside the breaker so a portal's "system failure" answer
 * (HTTP 200 with an error body) counts against the portal like a 5xx does.
 */
export class PortalHttpClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: PortalHttpOptions) {
    this.fetchImpl = options.fetchImpl ?? fetch;
  }

  urlFor(path: string, query: PortalGetRequest['query'] = {}): string {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  async getJson<T>(request: PortalGetRequest, decode: (body: unknown) => T): Promise<T> {
    try {
      return await this.options.breaker.run(() => this.call(request, decode));
    } catch (error) {
      if (error instanceof CircuitOpenError) {
        this.options.metrics.portalRequest(request.category, 'breaker_open');
      }
      throw error;
    }
  }

  private async call<T>(request: PortalGetRequest, decode: (body: unknown) => T): Promise<T> {
    const { requestTimeoutMs, metrics } = this.options;
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let status = 'network_error';
    try {
      const response = await this.fetchImpl(this.urlFor(request.path, request.query), {
        method: 'GET',
        headers: { accept: 'application/json', ...request.headers },
        signal: AbortSignal.any([request.signal, AbortSignal.timeout(requestTimeoutMs)]),
      });
      status = String(response.status);
      const text = await response.text();
      const httpError = errorForHttpStatus(
        response.status,
        response.headers.get('retry-after'),
        request.what,
      );
      if (httpError) throw httpError;
      return decode(parseJsonBody(text, request.what));
    } catch (error) {
      if (request.signal.aborted) {
        status = 'aborted';
        throw request.signal.reason instanceof Error ? request.signal.reason : error;
      }
      if (isPortalError(error)) throw error;
      if (status === 'network_error' && (error as { name?: unknown } | null)?.name === 'TimeoutError') {
        status = 'timeout';
      }
      throw errorForFetchFailure(error, request.what, requestTimeoutMs);
    } finally {
      metrics.portalRequest(request.category, status, seconds());
    }
  }
}
