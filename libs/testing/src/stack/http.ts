/** Status code of GET `url`, or undefined when nothing answers within `timeoutMs`. */
export async function httpStatus(url: string, timeoutMs = 2000): Promise<number | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined;
  }
}

export async function isReady(baseUrl: string): Promise<boolean> {
  return (await httpStatus(`${baseUrl}/health/ready`)) === 200;
}

/** JSON request that throws with the status and body on anything but 2xx. */
export async function requestJson<T>(
  method: string,
  url: string,
  options: { bearer?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.bearer) headers['authorization'] = `Bearer ${options.bearer}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A JSON answer of any status (the caller asserts on it): the parsed body, or null for an empty one. */
export interface JsonAnswer<T> {
  status: number;
  body: T;
}

/** JSON request for integration specs against a service's internal API: never throws on a status. */
export async function callJson<T>(method: string, url: string, body?: unknown): Promise<JsonAnswer<T>> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
