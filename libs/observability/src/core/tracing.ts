import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { loadConfig } from '@practice-sync/config';
import { z } from 'zod';

import { createLogger } from './logger';
import { ReportingExporter } from './reporting-exporter';

/** What tracing reads from the environment (once, at boot). */
export const TracingEnvSchema = z.object({
  /** The OTLP/HTTP collector (`http://otel-collector:4318`); spans go to `<it>/v1/traces`. Unset: tracing off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .regex(/^https?:\/\/[^/\s]+/, 'must be an http(s) URL such as http://otel-collector:4318')
    .optional(),
  /** Overrides the service name the spans carry (default: the service's own name). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});
export type TracingEnv = z.output<typeof TracingEnvSchema>;

let provider: NodeTracerProvider | null = null;

function register(service: string, processor: SpanProcessor): void {
  const next = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [processor],
  });
  // The AsyncLocalStorage context manager and the W3C trace-context (and baggage) propagator.
  next.register();
  provider = next;
}

/**
 * Call first thing in a service's main. With `OTEL_EXPORTER_OTLP_ENDPOINT` set: a tracer provider exporting
 * batches of spans over OTLP/HTTP (JSON), the AsyncLocalStorage context manager and the W3C propagator. Unset:
 * nothing is registered, so every span is the API's no-op span and context propagation a no-op (near-zero
 * cost). Returns whether tracing is on.
 */
export function startTracing(service: string, env?: Record<string, string | undefined>): boolean {
  if (provider) return true;
  // Validated like every service's config: a bad endpoint fails the boot, naming the variable.
  const config: TracingEnv = loadConfig(TracingEnvSchema, env);
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return false;
  const url = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  const otlp = new OTLPTraceExporter({ url }) as unknown as SpanExporter;
  // A collector that cannot be reached is said in the log (at most once a minute), never silently.
  const log = createLogger(service).child({ context: 'Tracing' });
  const exporter = new ReportingExporter(otlp, (failure) =>
    log.warn({ ...failure, endpoint: url }, 'spans could not be exported; the collector did not take them'),
  );
  register(config.OTEL_SERVICE_NAME ?? service, new BatchSpanProcessor(exporter));
  return true;
}

/** Whether this process records spans (startTracing found an endpoint, or a test started in-memory tracing). */
export function tracingEnabled(): boolean {
  return provider !== null;
}

/** Test hook: records every span, as it ends, in an in-memory exporter. Undo with `stopTracing()`. */
export function startInMemoryTracing(service = 'test'): InMemorySpanExporter {
  if (provider) throw new Error('tracing is already started in this process');
  const exporter = new InMemorySpanExporter();
  register(service, new SimpleSpanProcessor(exporter));
  return exporter;
}

/** Flushes the spans still batched and unregisters the provider (shutdown; tests). */
export async function stopTracing(): Promise<void> {
  const current = provider;
  if (!current) return;
  provider = null;
  await current.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
}
