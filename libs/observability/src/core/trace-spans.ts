import type { Attributes, Context, Span, TextMapGetter } from '@opentelemetry/api';
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

import { tracingEnabled } from './tracing';

export { SpanKind, SpanStatusCode };

const TRACER_NAME = 'practice-sync';

/** The tracer of our own spans (the API's no-op tracer while tracing is off). */
export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent; default the active context. */
  parent?: Context;
}

/**
 * Runs `fn` in a new span (the current one for everything `fn` awaits), ends it when `fn` settles, and marks
 * it failed with the error's type and message if `fn` throws (never a payload: spans hold no book contents).
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed by an error (its type and message only). */
export function failSpan(span: Span, error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  span.recordException({ name: e.name, message: e.message });
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}

/** Header values as HTTP (`string | string[]`) or Kafka (`Buffer`, `string`, arrays of them) hand them over. */
export type CarrierValue = string | Buffer | (string | Buffer)[] | undefined;

const getter: TextMapGetter<Record<string, CarrierValue>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key] ?? carrier[key.toLowerCase()];
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value.map((v) => v.toString());
    return value.toString();
  },
};

/** The context a message's or request's `traceparent`/`tracestate` headers continue (the root one if none). */
export function contextFromHeaders(headers: Record<string, CarrierValue> | undefined): Context {
  if (!headers) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, headers, getter);
}

/** The context a stored `traceparent` continues (the root one for null: a run from a schedule, an old row). */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  return traceparent ? contextFromHeaders({ traceparent }) : ROOT_CONTEXT;
}

/** The `traceparent` (and `tracestate`) headers that carry `ctx` on; none while tracing is off. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The current span as a `traceparent` to store with work done later by a poller; null outside a span. */
export function currentTraceparent(): string | null {
  return traceHeaders()['traceparent'] ?? null;
}

/**
 * A step a poller takes for work an earlier request asked for (the orchestrator dispatching a job of a run): a
 * span of `name`, child of the stored `traceparent`, ended at once; returns the headers that carry it on (on
 * the message the step sends).
 */
export function handOffSpan(
  name: string,
  traceparent: string | null | undefined,
  attributes: Attributes = {},
): Record<string, string> {
  if (!tracingEnabled()) return {};
  const parent = contextFromTraceparent(traceparent);
  const span = tracer().startSpan(name, { kind: SpanKind.PRODUCER, attributes }, parent);
  const headers = traceHeaders(trace.setSpan(parent, span));
  span.end();
  return headers;
}

/** `trace_id` and `span_id` of the active span, for every log line (pino mixin); nothing outside a span. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ctx = span.spanContext();
  if (!isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}

/** `fn`, bound to the current context: for work a queue (a rate limiter) may start from another continuation. */
export function bindToCurrentContext<F extends (...args: never[]) => unknown>(fn: F): F {
  return context.bind(context.active(), fn);
}
