import { HttpStatus } from '@nestjs/common';
import {
  isProblem,
  ProblemException,
  ProblemType,
  problemTypeUriForStatus,
  UpstreamProblem,
} from '@practice-sync/problems';

import type { Transport, UpstreamResponse } from './transport';
import { fetchTransport, nodeHttpTransport } from './transport';

export type QueryValue = string | number | boolean | undefined | null;

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
}

export interface InternalHttpClientOptions {
  /** Service name for error messages, e.g. `client-master`. */
  name: string;
  baseUrl: string;
  timeoutMs: number;
  /** Injected in tests; by default Node's http with keep-alive. */
  fetch?: typeof fetch;
}

/**
 * Calls one internal service over HTTP/JSON. Problem answers are passed through to the caller with their status;
 * an unreachable service is a 503 and a slow one a 504, so callers can tell "try again" from "fix your request".
 */
export class InternalHttpClient {
  private readonly transport: Transport;

  constructor(private readonly options: InternalHttpClientOptions) {
    this.transport = options.fetch ? fetchTransport(options.fetch) : nodeHttpTransport();
  }

  async request<T>(req: UpstreamRequest): Promise<T> {
    const response = await this.send(req, AbortSignal.timeout(this.options.timeoutMs));
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
   * Opens a long-lived response (server-sent events) and hands back its body once the headers are in. Only
   * waiting for the headers is bounded by the timeout; `signal` ends the stream (the caller went away).
   */
  async stream(req: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse> {
    const headersDue = new AbortController();
    const timer = setTimeout(
      () => headersDue.abort(new DOMException('timeout', 'TimeoutError')),
      this.options.timeoutMs,
    );
    try {
      const response = await this.send(
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

  private async send(
    req: UpstreamRequest,
    signal: AbortSignal,
    accept = 'application/json',
  ): Promise<UpstreamResponse> {
    const url = this.url(req.path, req.query);
    try {
      return await this.transport(url, {
        method: req.method,
        headers: req.body === undefined ? { accept } : { accept, 'content-type': 'application/json' },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal,
      });
    } catch (e) {
      throw this.transportProblem(e);
    }
  }

  private failure(req: UpstreamRequest, status: number, statusText: string, body: unknown): Error {
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
    // AbortSignal.timeout rejects with a DOMException, not always an `Error` instance (realms), so read the name.
    const name = typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined;
    if (name === 'TimeoutError' || name === 'AbortError') {
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

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
