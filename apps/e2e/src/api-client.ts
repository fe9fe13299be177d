/** A tiny client for the public API as a firm would call it (Bearer key, JSON, problem+json errors). */
export interface ApiResponse<T> {
  status: number;
  contentType: string;
  body: T;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  get<T>(path: string): Promise<ApiResponse<T>> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body: (text ? JSON.parse(text) : null) as T,
    };
  }
}

/** Sums every sample of a Prometheus metric (optionally only those whose labels contain `labelFilter`). */
export async function metricTotal(serviceUrl: string, name: string, labelFilter = ''): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labelFilter && !line.includes(labelFilter)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
