/** Raw HTTP against the public API for the gateway's e2e specs: any method, body, content type and headers. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  contentType: string;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  key?: string;
  /** JSON-encoded unless `raw` is set. */
  body?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    // Not JSON (an event stream, HTML): keep the text.
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    headers: res.headers,
    body: parsed as T,
  };
}

/**
 * Whether an internal service has a route yet (other issues are adding some while this one is written): an
 * unknown route is Nest's 404 "Cannot METHOD path", a missing resource on a known route is a 404 with another
 * detail.
 */
export async function internalRouteExists(
  serviceUrl: string,
  method: string,
  path: string,
): Promise<boolean> {
  const res = await fetch(`${serviceUrl}${path}`, {
    method,
    headers: method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' },
    body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
  });
  const text = await res.text();
  return !(res.status === 404 && /Cannot (GET|POST|PUT|PATCH|DELETE)/.test(text));
}

/** A deterministic pseudo-random generator (mulberry32), so a failing fuzz case can be replayed by seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
