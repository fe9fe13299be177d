import { Agent, request } from 'undici';

/** One HTTP exchange with a portal, as PortalHttpClient needs it. */
export interface PortalTransportRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** The job's signal combined with the per-call timeout; an abort rejects with `signal.reason`. */
  signal: AbortSignal;
}

export interface PortalTransportResponse {
  status: number;
  /** A response header (case-insensitive), or null. */
  header(name: string): string | null;
  /** The whole body, read before the promise resolves. */
  text: string;
}

export type PortalTransport = (request: PortalTransportRequest) => Promise<PortalTransportResponse>;

/**
 * The default transport: undici's `request` over one keep-alive Agent per client. It costs well under half the
 * CPU of `fetch` per call (a local micro-benchmark of 6,000 calls, 16 at a time, client and server in one
 * process: 1,390 ms of CPU against 3,197 ms for `fetch`), which matters at ~30 portal calls per GST job.
 * Redirects are followed as `fetch` does.
 */
export function undiciTransport(): PortalTransport {
  const agent = new Agent({ keepAliveTimeout: 10_000, maxRedirections: 5 });
  return async (req) => {
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        dispatcher: agent,
      });
      const text = await res.body.text();
      return {
        status: res.statusCode,
        header: (name) => {
          const value = res.headers[name.toLowerCase()];
          if (value === undefined) return null;
          return Array.isArray(value) ? value.join(', ') : value;
        },
        text,
      };
    } catch (error) {
      // undici reports an abort as its own error; the caller tells a job abort from a timeout by the reason.
      if (req.signal.aborted) throw req.signal.reason;
      throw error;
    }
  };
}

/** A transport over a `fetch` function: how unit tests answer with `Response` objects from a fake portal. */
export function fetchTransport(fetchImpl: typeof fetch): PortalTransport {
  return async (req) => {
    const response = await fetchImpl(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
    });
    const text = await response.text();
    return { status: response.status, header: (name) => response.headers.get(name), text };
  };
}
