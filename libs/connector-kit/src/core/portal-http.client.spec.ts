import { Registry } from 'prom-client';

import { ConnectorMetrics } from './connector-metrics';
import { PortalBreaker } from './portal-breaker';
import type { PortalError } from './portal-error';
import { PortalHttpClient } from './portal-http.client';
import { fetchTransport } from './portal-transport';

const breakerOptions = {
  timeoutMs: 1000,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 60_000,
  volumeThreshold: 2,
};

function client(fetchImpl: typeof fetch) {
  const registry = new Registry();
  const metrics = new ConnectorMetrics(registry, 'gst');
  const breaker = new PortalBreaker('gst', breakerOptions, (change) => metrics.breakerState(change));
  const http = new PortalHttpClient({
    baseUrl: 'http://portal/gst/',
    requestTimeoutMs: 1000,
    breaker,
    metrics,
    transport: fetchTransport(fetchImpl),
  });
  return { http, registry, breaker };
}

const request = {
  category: 'gst.gstr2b' as const,
  path: '/x',
  signal: new AbortController().signal,
  what: 'x',
};
const json =
  (body: unknown, status = 200) =>
  async () =>
    new Response(JSON.stringify(body), { status });
const refused = async (): Promise<Response> => {
  throw new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
  });
};

describe('PortalHttpClient', () => {
  it('builds URLs under the base path and decodes JSON', async () => {
    const urls: string[] = [];
    const { http, breaker } = client(async (input) => {
      urls.push(String(input));
      return new Response('{"ok":true}');
    });
    const body = await http.getJson({ ...request, query: { a: '1', b: undefined, n: 2 } }, (b) => b);
    expect(body).toEqual({ ok: true });
    expect(urls).toEqual(['http://portal/gst/x?a=1&n=2']);
    breaker.shutdown();
  });

  it('maps HTTP and decode failures to PortalErrors and counts requests by status', async () => {
    const { http, registry, breaker } = client(json({ error: 'x' }, 503));
    await expect(http.getJson(request, (b) => b)).rejects.toMatchObject({ code: 'portal_unavailable' });
    const metrics = await registry.getSingleMetricAsString('connector_portal_requests_total');
    expect(metrics).toContain('status="503"');
    breaker.shutdown();
  });

  it('opens the circuit after repeated outages and then fails fast as portal_unavailable', async () => {
    let calls = 0;
    const { http, registry, breaker } = client(async () => {
      calls++;
      return refused();
    });
    for (let i = 0; i < 3; i++) await http.getJson(request, (b) => b).catch(() => undefined);
    expect(breaker.state).toBe('open');
    const before = calls;
    const error = (await http.getJson(request, (b) => b).catch((e: unknown) => e)) as PortalError;
    expect(error.code).toBe('portal_unavailable');
    expect(error.message).toContain('circuit open');
    expect(calls).toBe(before);
    expect(await registry.getSingleMetricAsString('connector_breaker_state')).toContain('portal="gst"} 2');
    breaker.shutdown();
  });

  it('does not open the circuit for answers that are not outages', async () => {
    const { http, breaker } = client(json({}, 401));
    for (let i = 0; i < 5; i++) await http.getJson(request, (b) => b).catch(() => undefined);
    expect(breaker.state).toBe('closed');
    breaker.shutdown();
  });
});
