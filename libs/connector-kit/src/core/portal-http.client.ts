import { bindToCurrentContext, inSpan, SpanKind, SpanStatusCode } from '@practice-sync/observability';

import type { RetryOptions } from './connector-config';
import type { JobCategory } from './connector-family';
import type { ConnectorMetrics } from './connector-metrics';
import type { CallTarget } from './http-error-mapping';
import { errorForFetchFailure, errorForHttpStatus, parseJsonBody } from './http-error-mapping';
import { currentJobFirm } from './job-context';
import type { PortalBreaker } from './portal-breaker';
import { CircuitOpenError, PORTAL_BREAKER_KEY } from './portal-breaker';
import { isPortalError, PortalError } from './portal-error';
import type { PortalLimiter } from './portal-limiter';
import type { PortalTransport } from './portal-transport';
import { undiciTransport } from './portal-transport';
import type { Upstream } from './upstream';
import { ANY_PORTAL, upstreamLabel } from './upstream';

export interface PortalGetRequest {
  /** For metrics labels (`session` for login / token calls outside a category). */
  category: JobCategory | 'session';
  /** Relative to the portal base URL, e.g. `/taxpayerapi/v4.0/returns/gstr2b`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** The job's signal (job time limit, shutdown). */
  signal: AbortSignal;
  /** What is being fetched, for error messages: "GSTR-2B page 2 of 3". Never a secret. */
  what: string;
  /** The portal account the call is charged to (rate limits are per account); default "default". */
  account?: string;
  /** The firm the call is charged to (its fair share); default: the firm of the job being run, if any. */
  firm?: string;
}

export interface PortalRequest extends PortalGetRequest {
  method?: 'GET' | 'POST';
  /** JSON body (POST). */
  body?: unknown;
  /** A body sent as it is instead of JSON (Tally's XML), with its content type. */
  rawBody?: { contentType: string; text: string };
  /** `text`: the decoder gets the raw body (e.g. encrypted GST files); default JSON. */
  responseType?: 'json' | 'text';
  /**
   * Called with a non-2xx status before the generic mapping: a connector reads the portal's own error body
   * (ITR `errors[].code`, e-sign problem+json) to tell a lapsed session from other refusals.
   */
  onHttpError?: (status: number, body: unknown) => PortalError | undefined;
}

export interface PortalHttpOptions {
  baseUrl: string;
  /** Per call; the breaker uses the same limit. */
  requestTimeoutMs: number;
  breaker: PortalBreaker;
  /** Which breaker a call goes through, from its URL; default the one key of the portal. */
  breakerKey?: (url: URL) => string;
  metrics: ConnectorMetrics;
  limiter?: PortalLimiter;
  retry?: RetryOptions;
  /** How calls go out; default undici (portal-transport.ts). Unit tests pass `fetchTransport(fake)`. */
  transport?: PortalTransport;
  random?: () => number;
  /**
   * How messages name what is called ("the GST portal", "the books server at <host>"); the kit sets it from
   * the connector's family (`upstreamOf`). Default: "the portal".
   */
  upstream?: Upstream;
}

const NO_RETRY: RetryOptions = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

/** A call held back by this process because the portal's last Retry-After has not passed (no portal call made). */
class PortalPaused extends PortalError {}

/** One breaker per upstream origin (scheme, host and port): each books server fails on its own. */
export function originBreakerKey(url: URL): string {
  return url.origin;
}

/** Transient failures worth another attempt of the same call; an open circuit is not (it fails fast). */
function isTransient(error: unknown): error is PortalError {
  return (
    isPortalError(error) &&
    !(error instanceof CircuitOpenError) &&
    (error.code === 'portal_unavailable' || error.code === 'timeout' || error.code === 'rate_limited')
  );
}

/**
 * Portal calls: rate limiter and concurrency caps (PortalLimiter: per account, firm and process), then the
 * circuit breaker, a per-call timeout, metrics, and every failure mapped to a PortalError. Transient failures are retried a
 * bounded number of times with full-jitter exponential backoff, honouring Retry-After. `decode` runs inside
 * the breaker so a portal's "system failure" answer (HTTP 200 with an error body) counts like a 5xx.
 */
export class PortalHttpClient {
  private readonly transport: PortalTransport;
  private readonly random: () => number;
  readonly upstream: Upstream;

  constructor(private readonly options: PortalHttpOptions) {
    this.transport = options.transport ?? undiciTransport();
    this.random = options.random ?? Math.random;
    this.upstream = options.upstream ?? ANY_PORTAL;
  }

  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  urlFor(path: string, query: PortalGetRequest['query'] = {}): string {
    const url = new URL(/^https?:/.test(path) ? path : this.baseUrl + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  getJson<T>(request: PortalGetRequest, decode: (body: unknown) => T): Promise<T> {
    return this.request(request, decode);
  }

  /**
   * Honours Retry-After up to the retry bound (`retry.maxDelayMs`): a portal asking for a longer wait is answered
   * at once by failing the call `rate_limited` with the portal's `retryAfterMs`, which the job reports so the
   * orchestrator re-queues it for then, instead of a worker sitting in a long in-process wait.
   */
  async request<T>(request: PortalRequest, decode: (body: unknown) => T): Promise<T> {
    const retry = this.options.retry ?? NO_RETRY;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(request, decode);
      } catch (error) {
        if (isPortalError(error) && !(error instanceof PortalPaused)) {
          this.options.metrics.portalError(request.category, error.code);
        }
        if (isPortalError(error) && error.code === 'rate_limited' && error.retryAfterMs !== undefined) {
          // Every call of this process waits for the portal's "not before", not only this one.
          if (!(error instanceof PortalPaused)) this.options.limiter?.pauseFor(error.retryAfterMs);
        }
        if (!isTransient(error) || attempt >= retry.maxAttempts || request.signal.aborted) throw error;
        const backoff = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
        const jittered = Math.round(this.random() * backoff);
        const wait = error.retryAfterMs !== undefined ? Math.max(error.retryAfterMs, jittered) : jittered;
        // A portal asking us to wait longer than we may is answered by failing (retryable) for later.
        if (wait > retry.maxDelayMs) throw error;
        this.options.metrics.retried(request.category, error.code);
        if (error.retryAfterMs !== undefined) this.options.metrics.rateLimitWaited(wait / 1000);
        await abortableSleep(wait, request.signal);
      }
    }
  }

  private async once<T>(request: PortalRequest, decode: (body: unknown) => T): Promise<T> {
    const limiter = this.options.limiter;
    // Bound to the caller's context: the limiter may start the call from another job's continuation.
    const guarded = bindToCurrentContext(() => {
      const paused = limiter?.pausedForMs() ?? 0;
      if (paused > 0) {
        const seconds = Math.ceil(paused / 1000);
        return Promise.reject(
          new PortalPaused(
            'rate_limited',
            `${upstreamLabel(this.upstream, this.urlFor(request.path))} is throttling requests; it allows the next call for ${request.what} in ${seconds} s`,
            { retryAfterMs: paused },
          ),
        );
      }
      const key = this.options.breakerKey?.(new URL(this.urlFor(request.path))) ?? PORTAL_BREAKER_KEY;
      return this.options.breaker.run(() => this.traced(request, decode), key);
    });
    try {
      const key = { firm: request.firm ?? currentJobFirm() ?? '', account: request.account ?? 'default' };
      return await (limiter ? limiter.schedule(key, guarded) : guarded());
    } catch (error) {
      if (error instanceof CircuitOpenError) {
        this.options.metrics.portalRequest(request.category, 'breaker_open');
      }
      throw error;
    }
  }

  /** One portal call in a client span (method, category, host, status; never the query or the body). */
  private traced<T>(request: PortalRequest, decode: (body: unknown) => T): Promise<T> {
    const method = request.method ?? 'GET';
    const attributes = {
      'http.request.method': method,
      'server.address': new URL(this.baseUrl).host,
      'portal.category': request.category,
      'portal.what': request.what,
    };
    return inSpan(`portal ${method} ${request.category}`, { kind: SpanKind.CLIENT, attributes }, (span) =>
      this.call(request, decode, (status) => {
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      }),
    );
  }

  private async call<T>(
    request: PortalRequest,
    decode: (body: unknown) => T,
    answered: (status: number) => void = () => undefined,
  ): Promise<T> {
    const { requestTimeoutMs, metrics } = this.options;
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let status = 'network_error';
    request.signal.throwIfAborted();
    // Who was called, for messages (a books server by its host); kept out of the try so the catch can name it.
    const target: CallTarget = { upstream: this.upstream };
    try {
      const url = this.urlFor(request.path, request.query);
      target.url = url;
      const method = request.method ?? 'GET';
      const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      if (request.rawBody) headers['content-type'] = request.rawBody.contentType;
      const response = await this.transport({
        url,
        method,
        headers,
        body: request.rawBody
          ? request.rawBody.text
          : request.body === undefined
            ? undefined
            : JSON.stringify(request.body),
        signal: AbortSignal.any([request.signal, AbortSignal.timeout(requestTimeoutMs)]),
      });
      status = String(response.status);
      answered(response.status);
      const text = response.text;
      if (response.status < 200 || response.status >= 300) {
        const specific = request.onHttpError?.(response.status, safeJson(text));
        if (specific) throw specific;
      }
      const httpError = errorForHttpStatus(
        response.status,
        response.header('retry-after'),
        request.what,
        target,
      );
      if (httpError) throw httpError;
      return decode(request.responseType === 'text' ? text : parseJsonBody(text, request.what, target));
    } catch (error) {
      if (request.signal.aborted) {
        status = 'aborted';
        throw request.signal.reason instanceof Error ? request.signal.reason : error;
      }
      if (isPortalError(error)) throw error;
      if (status === 'network_error' && (error as { name?: unknown } | null)?.name === 'TimeoutError') {
        status = 'timeout';
      }
      throw errorForFetchFailure(error, request.what, requestTimeoutMs, target);
    } finally {
      metrics.portalRequest(request.category, status, seconds());
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Waits `ms`, or rejects with the signal's reason when the job is aborted meanwhile. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
