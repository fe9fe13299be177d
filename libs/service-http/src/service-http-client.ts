import { HttpStatus } from '@nestjs/common';
import { inSpan, SpanKind, SpanStatusCode, traceHeaders } from '@practice-sync/observability';
import {
  isProblem,
  ProblemException,
  ProblemType,
  problemTypeUriForStatus,
  UpstreamProblem,
} from '@practice-sync/problems';

import { currentTraceHeaders } from './trace-context';
import type { ServiceResponse, ServiceTransport } from './transport';
import { undiciTransport } from './transport';

export type QueryValue = string | number | boolean | undefined | null;

export interface ServiceRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Extra request headers (e.g. a forwarded `idempotency-key`). */
  headers?: Record<string, string>;
  /** Whether sending it twice is harmless; GET, PUT and DELETE are unless told otherwise (a POST that reads). */
  idempotent?: boolean;
}

export interface ServiceHttpClientOptions {
  /** Service name for error messages, e.g. `client-master`. */
  name: string;
  /**
   * The service's base URL, or the base URLs of its instances when no load balancer stands in front of them
   * (an array, or one string with commas: `http://10.0.0.5:3001,http://10.0.0.6:3001`). Calls take the
   * instances in turn; one that cannot be reached is passed over (`downForMs`) and the call fails over to the
   * next (see `sendWithRetries` for which calls may be sent again).
   */
  baseUrl: string | readonly string[];
  /** Bounds a whole call, its retries included (a stream: until its headers are in). */
  timeoutMs: number;
  /**
   * Further attempts of an idempotent call after a connection failure or a 503 (default 2), once every instance
   * was tried (failing over to an instance not yet tried costs no retry and no wait).
   */
  retries?: number;
  /** Wait before the first retry, doubled for each next one (default 50 ms). */
  retryDelayMs?: number;
  /** With several instances: how long one that failed at the connection level is passed over (default 5000). */
  downForMs?: number;
  /**
   * With several instances: an idempotent attempt without response headers after this long is given up for the
   * next instance (a hung process, a dropped network). Default: none, only `timeoutMs` bounds the call.
   */
  attemptTimeoutMs?: number;
  /** By default undici over a keep-alive Agent; unit tests pass `fetchTransport(fakeFetch)`. */
  transport?: ServiceTransport;
  /** Headers that tie the call to the request being handled; by default those of the trace context. */
  traceHeaders?: () => Record<string, string>;
}

const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE']);
const IDEMPOTENCY_KEY = 'idempotency-key';

/**
 * Connection errors raised before a byte of the request left: the call reached no server, so sending it to
 * another instance is safe whatever its method. Any other transport error (a reset, a socket closed under a
 * sent request, one without a code) may have reached the server.
 */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The base URLs of `baseUrl` (one, a list, or a comma-separated list), each checked to be an http(s) URL. */
export function parseBaseUrls(baseUrl: string | readonly string[], name = 'service'): string[] {
  const list = (typeof baseUrl === 'string' ? baseUrl.split(',') : [...baseUrl])
    .map((u) => u.trim())
    .filter(Boolean);
  if (!list.length) throw new Error(`${name}: no base URL (give one, or several separated by commas)`);
  for (const u of list) {
    let protocol: string;
    try {
      protocol = new URL(u).protocol;
    } catch {
      throw new Error(`${name}: base URL "${u}" is not a URL (e.g. http://127.0.0.1:3001)`);
    }
    if (protocol !== 'http:' && protocol !== 'https:')
      throw new Error(`${name}: base URL "${u}" must be http(s)`);
  }
  return list;
}

/**
 * The one client for calls between our services (HTTP/JSON). An internal service's problem answer is thrown as
 * an `UpstreamProblem` (status, type, title, detail, errors passed on unchanged); an unreachable service is a
 * 503, a slow one a 504 and a non-problem 5xx or non-JSON answer a 502, so callers can tell "try again" from
 * "fix your request". Idempotent calls are retried (bounded) after a connection failure or a 503.
 */
export class ServiceHttpClient {
  private readonly transport: ServiceTransport;
  private readonly baseUrls: string[];
  /** Per instance: until when (Date.now()) it is passed over after a connection failure. */
  private readonly downUntil: number[];
  private turn = 0;

  constructor(private readonly options: ServiceHttpClientOptions) {
    this.transport = options.transport ?? undiciTransport();
    this.baseUrls = parseBaseUrls(options.baseUrl, options.name);
    this.downUntil = this.baseUrls.map(() => 0);
  }

  get name(): string {
    return this.options.name;
  }

  /** The instances' base URLs, in configuration order. */
  get instances(): readonly string[] {
    return this.baseUrls;
  }

  async request<T>(req: ServiceRequest): Promise<T> {
    const response = await this.sendWithRetries(req, AbortSignal.timeout(this.options.timeoutMs));
    const text = await response.text().catch(() => '');
    const body = parseJson(text);
    if (response.ok) {
      if (response.status === 204) return undefined as T;
      if (body === undefined) throw this.badResponse(`answered ${response.status} without a JSON body`);
      return body as T;
    }
    throw this.failure(req, response.status, response.statusText, body);
  }

  /**
   * Like `request`, but a 2xx JSON answer comes back as the text it arrived as, for a proxy to relay without
   * parsing and re-encoding it. Failures are thrown exactly as `request` throws them.
   */
  async requestText(req: ServiceRequest): Promise<string> {
    const response = await this.sendWithRetries(req, AbortSignal.timeout(this.options.timeoutMs));
    const text = await response.text().catch(() => '');
    if (response.ok) {
      if (!text || !/^application\/(.+\+)?json\b/i.test(response.header('content-type') ?? '')) {
        throw this.badResponse(`answered ${response.status} without a JSON body`);
      }
      return text;
    }
    throw this.failure(req, response.status, response.statusText, parseJson(text));
  }

  /**
   * Opens a long-lived response (server-sent events) and hands back its body once the headers are in. Only
   * waiting for the headers is bounded by the timeout; `signal` ends the stream (the caller went away).
   */
  async stream(req: ServiceRequest, signal: AbortSignal): Promise<ServiceResponse> {
    const headersDue = new AbortController();
    const timer = setTimeout(
      () => headersDue.abort(new DOMException('timeout', 'TimeoutError')),
      this.options.timeoutMs,
    );
    try {
      const response = await this.sendWithRetries(
        req,
        AbortSignal.any([signal, headersDue.signal]),
        'text/event-stream',
      );
      if (response.ok) return response;
      const body = parseJson(await response.text().catch(() => ''));
      throw this.failure(req, response.status, response.statusText, body);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends `req` to one instance after another until one answers. An attempt that reached no server (connection
   * refused, no route, connect timeout) goes on to the next instance whatever the call. One that may have reached
   * it (a reset, a socket closed under it, `attemptTimeoutMs`) is sent again only when repeating it is harmless:
   * GET/PUT/DELETE, `idempotent: true`, or an `idempotency-key` header the server deduplicates on; a POST without
   * one is never re-sent, since the first instance may have acted on it. A 503 of an idempotent call also moves
   * on. Once every instance was tried, idempotent calls get `retries` more attempts, with a doubling wait.
   */
  private async sendWithRetries(
    req: ServiceRequest,
    signal: AbortSignal,
    accept = 'application/json',
  ): Promise<ServiceResponse> {
    const idempotent =
      req.idempotent ??
      (IDEMPOTENT.has(req.method) ||
        Object.keys(req.headers ?? {}).some((h) => h.toLowerCase() === IDEMPOTENCY_KEY));
    const retries = idempotent ? (this.options.retries ?? 2) : 0;
    const order = this.order();
    let retried = 0;
    for (let attempt = 0; ; attempt++) {
      const instance = order[attempt % order.length];
      const untriedNext = attempt + 1 < order.length;
      let response: ServiceResponse;
      try {
        response = await this.attempt(req, instance, signal, accept, idempotent && order.length > 1);
      } catch (e) {
        if (signal.aborted || (isTimeout(e) && !(e instanceof AttemptTimeout)))
          throw this.transportProblem(e);
        this.downUntil[instance] = Date.now() + (this.options.downForMs ?? 5000);
        const mayHaveReached = e instanceof AttemptTimeout || !NOT_SENT.has(errorCode(e) ?? '');
        if (!idempotent && mayHaveReached) throw this.transportProblem(e);
        if (untriedNext) continue;
        if (retried >= retries) throw this.transportProblem(e);
        await this.pause(retried++, signal);
        continue;
      }
      this.downUntil[instance] = 0;
      if (response.status !== HttpStatus.SERVICE_UNAVAILABLE || !idempotent) return response;
      if (!untriedNext && retried >= retries) return response;
      await response.text().catch(() => ''); // frees the connection for the next attempt
      if (!untriedNext) await this.pause(retried++, signal);
    }
  }

  /** Instances for one call: the next in turn first, those passed over (`downForMs`) last. */
  private order(): number[] {
    const n = this.baseUrls.length;
    if (n === 1) return [0];
    const start = this.turn;
    this.turn = (this.turn + 1) % n;
    const all = Array.from({ length: n }, (_, k) => (start + k) % n);
    const now = Date.now();
    return [...all.filter((i) => this.downUntil[i] <= now), ...all.filter((i) => this.downUntil[i] > now)];
  }

  /** One attempt at one instance; `bounded`: given up (AttemptTimeout) after `attemptTimeoutMs` without headers. */
  private async attempt(
    req: ServiceRequest,
    instance: number,
    signal: AbortSignal,
    accept: string,
    bounded: boolean,
  ): Promise<ServiceResponse> {
    const limit = this.options.attemptTimeoutMs;
    if (!bounded || !limit) return this.send(req, this.baseUrls[instance], signal, accept);
    const due = new AbortController();
    const timer = setTimeout(() => due.abort(new AttemptTimeout(limit)), limit);
    try {
      return await this.send(req, this.baseUrls[instance], AbortSignal.any([signal, due.signal]), accept);
    } catch (e) {
      throw due.signal.aborted && !signal.aborted ? new AttemptTimeout(limit) : e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One attempt, in a client span whose `traceparent` it sends (tracing off: the incoming trace headers). */
  private send(
    req: ServiceRequest,
    baseUrl: string,
    signal: AbortSignal,
    accept: string,
  ): Promise<ServiceResponse> {
    const attributes = {
      'http.request.method': req.method,
      'server.address': this.options.name,
      'url.path': req.path,
    };
    return inSpan(
      `${req.method} ${this.options.name}`,
      { kind: SpanKind.CLIENT, attributes },
      async (span) => {
        const trace = (this.options.traceHeaders ?? currentTraceHeaders)();
        const headers: Record<string, string> = { ...req.headers, ...trace, ...traceHeaders(), accept };
        if (req.body !== undefined) headers['content-type'] = 'application/json';
        const response = await this.transport(this.url(baseUrl, req.path, req.query), {
          method: req.method,
          headers,
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
          signal,
        });
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return response;
      },
    );
  }

  private async pause(attempt: number, signal: AbortSignal): Promise<void> {
    const ms = (this.options.retryDelayMs ?? 50) * 2 ** attempt;
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private failure(req: ServiceRequest, status: number, statusText: string, body: unknown): Error {
    if (isProblem(body)) return new UpstreamProblem({ ...body, status });
    if (status >= 500) return this.badResponse(`answered ${status}`);
    return new UpstreamProblem({
      type: problemTypeUriForStatus(status),
      title: statusText || 'Error',
      status,
      detail: `${this.options.name} rejected the request (${status}).`,
      instance: req.path,
    });
  }

  private url(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
    const url = new URL(path, baseUrl);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private transportProblem(e: unknown): ProblemException {
    if (isTimeout(e)) {
      return new ProblemException(
        ProblemType.UpstreamTimeout,
        HttpStatus.GATEWAY_TIMEOUT,
        'Upstream timeout',
        `${this.options.name} did not answer within ${this.options.timeoutMs} ms; try again shortly.`,
      );
    }
    return new ProblemException(
      ProblemType.UpstreamUnavailable,
      HttpStatus.SERVICE_UNAVAILABLE,
      'Service unavailable',
      `${this.options.name} is unavailable; try again shortly.`,
    );
  }

  private badResponse(what: string): ProblemException {
    return new ProblemException(
      ProblemType.BadUpstreamResponse,
      HttpStatus.BAD_GATEWAY,
      'Bad gateway',
      `${this.options.name} ${what}.`,
    );
  }
}

/** An attempt at one instance gave up waiting (`attemptTimeoutMs`); the call goes on to the next. */
class AttemptTimeout extends Error {
  constructor(ms: number) {
    super(`no response headers within ${ms} ms`);
    this.name = 'AttemptTimeout';
  }
}

/** The system or undici error code of a transport failure (`fetch` wraps it in `cause`). */
function errorCode(e: unknown): string | undefined {
  for (let x: unknown = e, depth = 0; x && typeof x === 'object' && depth < 4; depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    x = (x as { cause?: unknown }).cause;
  }
  return undefined;
}

/** AbortSignal.timeout rejects with a DOMException, not always an `Error` instance (realms): read the name. */
function isTimeout(e: unknown): boolean {
  if (e instanceof AttemptTimeout) return true;
  const name = typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined;
  return name === 'TimeoutError' || name === 'AbortError';
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
