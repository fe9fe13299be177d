import { Registry } from 'prom-client';

import { ConnectorMetrics } from './connector-metrics';
import type { BreakerChange, BreakerOptions } from './portal-breaker';
import { PORTAL_BREAKER_KEY, PortalBreaker } from './portal-breaker';
import { PortalError } from './portal-error';
import { originBreakerKey, PortalHttpClient } from './portal-http.client';
import { fetchTransport } from './portal-transport';

const options: BreakerOptions = {
  timeoutMs: 1000,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 60_000,
  volumeThreshold: 2,
};
const down = () => Promise.reject(new PortalError('portal_unavailable', 'down'));
const ok = () => Promise.resolve('ok');

async function trip(breaker: PortalBreaker, key: string): Promise<void> {
  for (let i = 0; i < 3; i++) await breaker.run(down, key).catch(() => undefined);
}

describe('PortalBreaker', () => {
  let breaker: PortalBreaker;
  afterEach(() => breaker.shutdown());

  it('keeps one circuit per key: an open one fails fast, another key still calls its upstream', async () => {
    const changes: BreakerChange[] = [];
    breaker = new PortalBreaker('books', options, (c) => changes.push(c));
    await trip(breaker, 'http://branch-a:9000');
    expect(breaker.stateOf('http://branch-a:9000')).toBe('open');
    let called = false;
    const fast = await breaker
      .run(() => {
        called = true;
        return ok();
      }, 'http://branch-a:9000')
      .catch((e: PortalError) => e);
    expect(called).toBe(false);
    expect(fast).toMatchObject({
      code: 'portal_unavailable',
      message: expect.stringContaining('the books server at branch-a:9000 is failing'),
    });
    await expect(breaker.run(ok, 'http://branch-b:9000')).resolves.toBe('ok');
    expect(breaker.stateOf('http://branch-b:9000')).toBe('closed');
    expect(breaker.state).toBe('open');
    expect(changes).toEqual([
      {
        key: 'http://branch-a:9000',
        state: 'open',
        worst: 'open',
        counts: { closed: 0, half_open: 0, open: 1 },
      },
    ]);
  });

  it('with the one portal key, one outage pauses every call, and says the portal is failing', async () => {
    breaker = new PortalBreaker('gst', options);
    await trip(breaker, PORTAL_BREAKER_KEY);
    const error = (await breaker.run(ok).catch((e: unknown) => e)) as PortalError;
    expect(error.message).toContain('the GST portal is failing');
    expect(breaker.size).toBe(1);
  });

  it('keeps at most maxKeys breakers, dropping the least recently used closed one before an open one', async () => {
    breaker = new PortalBreaker('books', { ...options, maxKeys: 3 });
    await trip(breaker, 'a');
    await breaker.run(ok, 'b');
    await breaker.run(ok, 'c');
    await breaker.run(ok, 'b'); // b is now more recent than c
    await breaker.run(ok, 'd');
    expect(breaker.size).toBe(3);
    expect(breaker.stateOf('a')).toBe('open');
    expect(breaker.counts()).toEqual({ closed: 2, half_open: 0, open: 1 });
    for (let i = 0; i < 1000; i++) await breaker.run(ok, `branch-${i}`);
    expect(breaker.size).toBe(3);
  });
});

describe('PortalHttpClient with a breaker per origin', () => {
  it('one books server offline opens its own circuit; another server on the same connector still answers', async () => {
    const registry = new Registry();
    const metrics = new ConnectorMetrics(registry, 'books');
    const breaker = new PortalBreaker('books', options, (c) => metrics.breakerState(c));
    metrics.watchBreakers(() => breaker.counts());
    const calls: string[] = [];
    const http = new PortalHttpClient({
      baseUrl: 'http://unused/books',
      requestTimeoutMs: 1000,
      breaker,
      breakerKey: originBreakerKey,
      metrics,
      transport: fetchTransport(async (input) => {
        const url = String(input);
        calls.push(url);
        if (url.startsWith('http://10.0.0.1:9000')) {
          throw new TypeError('fetch failed', {
            cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
          });
        }
        return new Response('<ENVELOPE/>');
      }),
    });
    const post = (url: string) =>
      http.request(
        {
          category: 'books.masters',
          path: url,
          method: 'POST',
          rawBody: { contentType: 'text/xml', text: '<ENVELOPE/>' },
          responseType: 'text',
          signal: new AbortController().signal,
          what: 'export',
        },
        (b) => String(b),
      );
    for (let i = 0; i < 3; i++) await post('http://10.0.0.1:9000/books/pune').catch(() => undefined);
    const offlineCalls = calls.length;
    await expect(post('http://10.0.0.1:9000/books/other-company')).rejects.toMatchObject({
      code: 'portal_unavailable',
      message: expect.stringContaining('circuit open'),
    });
    expect(calls.length).toBe(offlineCalls);
    await expect(post('http://10.0.0.2:9000/books/nagpur')).resolves.toBe('<ENVELOPE/>');
    const gauges = [
      await registry.getSingleMetricAsString('connector_breaker_state'),
      await registry.getSingleMetricAsString('connector_breakers'),
    ].join('\n');
    expect(gauges).toContain('connector_breaker_state{portal="books"} 2');
    expect(gauges).toContain('connector_breakers{portal="books",state="open"} 1');
    expect(gauges).toContain('connector_breakers{portal="books",state="closed"} 1');
    expect(gauges).not.toContain('10.0.0');
    breaker.shutdown();
  });
});
