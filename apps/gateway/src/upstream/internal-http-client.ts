import { HttpStatus } from '@nestjs/common';

import type { Problem } from '../problems/problem';
import { ProblemException, ProblemType, UpstreamProblemException } from '../problems/problem';

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
  /** Injected in tests. */
  fetch?: typeof fetch;
}

/**
 * Calls one internal service over HTTP/JSON. Problem answers are passed through to the caller with their status;
 * an unreachable service is a 503 and a slow one a 504, so callers can tell "try again" from "fix your request".
 */
export class InternalHttpClient {
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: InternalHttpClientOptions) {
    this.fetchFn = options.fetch ?? fetch;
  }

  async request<T>(req: UpstreamRequest): Promise<T> {
    const url = this.url(req.path, req.query);
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: req.method,
        headers:
          req.body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (e) {
      throw this.transportProblem(e);
    }
    const text = await response.text().catch(() => '');
    const body = parseJson(text);
    if (response.ok) {
      if (response.status === 204) return undefined as T;
      if (body === undefined) throw this.badResponse(`answered ${response.status} without a JSON body`);
      return body as T;
    }
    if (isProblem(body)) throw new UpstreamProblemException({ ...body, status: response.status });
    if (response.status >= 500) throw this.badResponse(`answered ${response.status}`);
    throw new UpstreamProblemException({
      type: 'about:blank',
      title: response.statusText || 'Error',
      status: response.status,
      detail: `${this.options.name} rejected the request (${response.status}).`,
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

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.title === 'string' && typeof b.status === 'number' && typeof b.type === 'string';
}
