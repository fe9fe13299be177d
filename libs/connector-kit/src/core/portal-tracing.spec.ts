import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { inSpan, SpanKind, startInMemoryTracing, stopTracing } from '@practice-sync/observability';
import { Registry } from 'prom-client';

import { ConnectorMetrics } from './connector-metrics';
import { PortalBreaker } from './portal-breaker';
import { PortalHttpClient } from './portal-http.client';
import { PortalLimiter } from './portal-limiter';
import { fetchTransport } from './portal-transport';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('portal calls in the job trace', () => {
  let spans: InMemorySpanExporter;
  beforeAll(() => {
    spans = startInMemoryTracing('connector-gst');
  });
  afterAll(() => stopTracing());

  it('makes every portal call a client span of the job that made it, through the rate limiter', async () => {
    const metrics = new ConnectorMetrics(new Registry(), 'gst');
    const breaker = new PortalBreaker(
      'gst',
      { timeoutMs: 1000, errorThresholdPercentage: 50, resetTimeoutMs: 60_000, volumeThreshold: 2 },
      () => undefined,
    );
    // One call at a time: the second job's call is started by the limiter when the first one's ends.
    const limiter = new PortalLimiter({
      perMinute: 0,
      perAccountConcurrency: 1,
      perFirmConcurrency: 1,
      maxConcurrent: 1,
    });
    const http = new PortalHttpClient({
      baseUrl: 'http://portal.test/gst/',
      requestTimeoutMs: 1000,
      breaker,
      metrics,
      limiter,
      transport: fetchTransport(async () => {
        await sleep(5);
        return new Response('{"ok":true}');
      }),
    });
    const job = (name: string) =>
      inSpan(name, {}, () =>
        http.getJson(
          {
            category: 'gst.gstr2b',
            path: '/returns',
            signal: new AbortController().signal,
            what: 'GSTR-2B',
            firm: 'f1',
          },
          (b) => b,
        ),
      );
    await Promise.all([job('run job A'), job('run job B')]);
    const finished = spans.getFinishedSpans();
    const calls = finished.filter((s) => s.name === 'portal GET gst.gstr2b');
    expect(calls).toHaveLength(2);
    for (const name of ['run job A', 'run job B']) {
      const parent = finished.find((s) => s.name === name);
      const call = calls.find((c) => c.parentSpanContext?.spanId === parent?.spanContext().spanId);
      expect(call).toBeDefined();
      expect(call?.kind).toBe(SpanKind.CLIENT);
      expect(call?.attributes['http.response.status_code']).toBe(200);
    }
    breaker.shutdown();
    await limiter.stop();
  });
});
