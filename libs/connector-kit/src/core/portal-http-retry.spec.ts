import { Registry } from 'prom-client';

import { ConnectorMetrics } from './connector-metrics';
import { PortalBreaker } from './portal-breaker';
import { PortalHttpClient } from './portal-http.client';
import { PortalLimiter } from './portal-limiter';
import { fetchTransport } from './portal-transport';

function client(answers: (() => Response)[], retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2000 }) {
  const breaker = new PortalBreaker('esign', {
    timeoutMs: 1000,
    errorThresholdPercentage: 50,
    resetTimeoutMs: 60_000,
    volumeThreshold: 100,
  });
  const limiter = new PortalLimiter({
    perMinute: 0,
    perAccountConcurrency: 2,
    perFirmConcurrency: 2,
    maxConcurrent: 4,
  });
  let calls = 0;
  const http = new PortalHttpClient({
    baseUrl: 'http://portal/esign',
    requestTimeoutMs: 1000,
    breaker,
    metrics: new ConnectorMetrics(new Registry(), 'esign'),
    limiter,
    retry,
    random: () => 1,
    transport: fetchTransport(async () => answers[Math.min(calls++, answers.length - 1)]()),
  });
  const request = {
    category: 'esign.signature_timestamps' as const,
    path: '/x',
    signal: new AbortController().signal,
    what: 'x',
  };
  return {
    get: () => http.request(request, (b) => b),
    calls: () => calls,
    close: async () => {
      breaker.shutdown();
      await limiter.stop();
    },
  };
}

const ok = () => new Response('{"ok":true}');
const fail = () => new Response('', { status: 503 });
const throttled = (seconds: string) => () =>
  new Response('', { status: 429, headers: { 'retry-after': seconds } });

describe('PortalHttpClient retries', () => {
  it('retries transient failures with backoff and succeeds', async () => {
    const c = client([fail, fail, ok]);
    await expect(c.get()).resolves.toEqual({ ok: true });
    expect(c.calls()).toBe(3);
    await c.close();
  });

  it('gives up after the bounded attempts with a retryable failure', async () => {
    const c = client([fail]);
    await expect(c.get()).rejects.toMatchObject({ code: 'portal_unavailable', retryable: true });
    expect(c.calls()).toBe(3);
    await c.close();
  });

  it('honours Retry-After, and fails rate_limited when the portal asks for longer than allowed', async () => {
    const c = client([throttled('1'), ok]);
    const started = Date.now();
    await expect(c.get()).resolves.toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    await c.close();
    const slow = client([throttled('60')]);
    await expect(slow.get()).rejects.toMatchObject({ code: 'rate_limited' });
    expect(slow.calls()).toBe(1);
    await slow.close();
  });

  it('reports a Retry-After beyond the bound at once, and holds every later call until the portal allows', async () => {
    const c = client([throttled('60'), ok]);
    const started = Date.now();
    await expect(c.get()).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: 60_000 });
    // The next job's call does not reach the throttled portal: it fails with the time left to wait.
    const next = await c.get().catch((e: unknown) => e);
    expect(next).toMatchObject({ code: 'rate_limited', retryable: true });
    expect((next as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(55_000);
    expect((next as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(c.calls()).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
    await c.close();
  });

  it('does not retry a refusal', async () => {
    const c = client([() => new Response('', { status: 401 })]);
    await expect(c.get()).rejects.toMatchObject({ code: 'auth_failed' });
    expect(c.calls()).toBe(1);
    await c.close();
  });
});
