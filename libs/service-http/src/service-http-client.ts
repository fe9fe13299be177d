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
  baseUrl: string;
  /** Bounds a whole call, its retries included (a stream: until its headers are in). */
  timeoutMs: number;
  /** Further attempts of an idempotent call after a connection failure or a 503 (default 2). */
  retries?: number;
  /** Wait before the first retry, doubled for each next one (default 50 ms). */
  retryDelayMs?: number;
  /** By default undici over a keep-alive Agent; unit tests pass `fetchTransport(fakeFetch)`. */
  transport?: ServiceTransport;
  /** Headers that tie the call to the request being handled; by default those of the trace context. */
  traceHeaders?: () => Record<string, string>;
}

const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE']);

/**
 * The one client for calls between our services (HTTP/JSON). An internal service's problem answer is thrown as
 * an `UpstreamProblem` (status, type, title, detail, errors passed on unchanged); an unreachable service is a
 * 503, a slow one a 504 and a non-problem 5xx or non-JSON answer a 502, so callers can tell "try again" from
 * "fix your request". Idempotent calls are retried (bounded) after a connection failure or a 503.
 */
export class ServiceHttpClient {
  private readonly transport: ServiceTransport;

  constructor(private readonly options: ServiceHttpClientOptions) {
    this.transport = options.transport ?? undiciTransport();
  }

  get name(): string {
    return this.options.name;
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

  private async sendWithRetries(
    req: ServiceRequest,
    signal: AbortSignal,
    accept = 'application/json',
  ): Promise<ServiceResponse> {
    const retries = (req.idempotent ?? IDEMPOTENT.has(req.method)) ? (this.options.retries ?? 2) : 0;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries;
      let response: ServiceResponse;
      try {
        response = await this.send(req, signal, accept);
      } catch (e) {
        if (last || signal.aborted || isTimeout(e)) throw this.transportProblem(e);
        await this.pause(attempt, signal);
        continue;
      }
      if (response.status !== HttpStatus.SERVICE_UNAVAILABLE || last) return response;
      await response.text().catch(() => ''); // frees the connection for the next attempt
      await this.pause(attempt, signal);
    }
  }

  /** One attempt, in a client span whose `traceparent` it sends (tracing off: the incoming trace headers). */
  private send(req: ServiceRequest, signal: AbortSignal, accept: string): Promise<ServiceResponse> {
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
        const response = await this.transport(this.url(req.path, req.query), {
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

  private url(path: string, query: Record<string, QueryValue> = {}): string {
    const url = new URL(path, this.options.baseUrl);
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

/** AbortSignal.timeout rejects with a DOMException, not always an `Error` instance (realms): read the name. */
function isTimeout(e: unknown): boolean {
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
