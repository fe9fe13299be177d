import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { inSpan, SpanKind, startInMemoryTracing, stopTracing } from '@practice-sync/observability';

import { ServiceHttpClient } from './service-http-client';
import { fetchTransport } from './transport';

describe('ServiceHttpClient tracing', () => {
  let spans: InMemorySpanExporter;
  beforeAll(() => {
    spans = startInMemoryTracing('gateway');
  });
  afterAll(() => stopTracing());

  it('makes each call a client span of the current one and sends its traceparent', async () => {
    const sent: Record<string, string>[] = [];
    const client = new ServiceHttpClient({
      name: 'sync-orchestrator',
      baseUrl: 'http://orchestrator.internal:3002',
      timeoutMs: 100,
      transport: fetchTransport(async (_url, init) => {
        sent.push(init?.headers as Record<string, string>);
        return new Response('{"id":"r1"}', { status: 202, headers: { 'content-type': 'application/json' } });
      }),
      traceHeaders: () => ({ 'x-request-id': 'req-1' }),
    });
    await inSpan('POST /v1/sync-runs', { kind: SpanKind.SERVER }, () =>
      client.request({ method: 'POST', path: '/internal/v1/sync-runs', body: {} }),
    );
    const [call, server] = spans.getFinishedSpans();
    expect(call.name).toBe('POST sync-orchestrator');
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(call.attributes['http.response.status_code']).toBe(202);
    const { traceId, spanId } = call.spanContext();
    expect(sent).toEqual([
      expect.objectContaining({ 'x-request-id': 'req-1', traceparent: `00-${traceId}-${spanId}-01` }),
    ]);
  });
});
