import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';

import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Request, Response } from 'express';
import pino from 'pino';

import { httpServerTracing } from './http-tracing';
import { loggerOptions } from './logger';
import {
  currentTraceparent,
  handOffSpan,
  inSpan,
  SpanKind,
  traceHeaders,
  traceLogFields,
} from './trace-spans';
import { startInMemoryTracing, startTracing, stopTracing, tracingEnabled } from './tracing';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const CALLER = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

/** A pino logger writing its JSON lines to an array. */
function capturingLogger(lines: Record<string, unknown>[]) {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return pino(loggerOptions('test', 'info'), sink);
}

/** Lets the logger's stream write what it was given. */
const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('registers nothing: no headers, no trace ids in logs, spans are no-ops', async () => {
    expect(startTracing('svc', {})).toBe(false);
    expect(tracingEnabled()).toBe(false);
    const lines: Record<string, unknown>[] = [];
    const log = capturingLogger(lines);
    await inSpan('work', {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(traceHeaders()).toEqual({});
      expect(currentTraceparent()).toBeNull();
      expect(handOffSpan('dispatch job', CALLER)).toEqual({});
      log.info('inside');
    });
    await flushed();
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toHaveProperty('trace_id');
  });

  it('rejects an endpoint that is not a URL', () => {
    expect(() => startTracing('svc', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow();
  });
});

describe('tracing on (in-memory exporter)', () => {
  let spans: InMemorySpanExporter;

  beforeAll(() => {
    spans = startInMemoryTracing('test-service');
  });
  afterEach(() => spans.reset());
  afterAll(() => stopTracing());

  it('opens a server span per request continuing the caller traceparent, named by route', async () => {
    const req = {
      method: 'POST',
      originalUrl: '/v1/sync-runs',
      baseUrl: '',
      route: { path: '/v1/sync-runs' },
      headers: { traceparent: CALLER },
    };
    const res = Object.assign(new EventEmitter(), { statusCode: 202 });
    let inside: string | null = null;
    httpServerTracing()(req as unknown as Request, res as unknown as Response, () => {
      inside = currentTraceparent();
    });
    res.emit('finish');
    res.emit('close');
    const [span] = spans.getFinishedSpans();
    expect(spans.getFinishedSpans()).toHaveLength(1);
    expect(span.name).toBe('POST /v1/sync-runs');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(CALLER_TRACE);
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(span.attributes['http.response.status_code']).toBe(202);
    expect(inside).toBe(`00-${CALLER_TRACE}-${span.spanContext().spanId}-01`);
  });

  it('leaves scrapes and probes untraced', () => {
    const res = Object.assign(new EventEmitter(), { statusCode: 200 });
    const req = { method: 'GET', originalUrl: '/metrics', headers: {} };
    httpServerTracing()(req as unknown as Request, res as unknown as Response, () => undefined);
    res.emit('finish');
    expect(spans.getFinishedSpans()).toEqual([]);
  });

  it('puts the active trace and span id on every log line', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = capturingLogger(lines);
    log.info('outside');
    let ids: { trace_id?: string; span_id?: string } = {};
    await inSpan('work', {}, async () => {
      ids = traceLogFields();
      log.info('inside');
    });
    await flushed();
    expect(ids.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[1]).toMatchObject({ msg: 'inside', trace_id: ids.trace_id, span_id: ids.span_id });
  });

  it('a hand-off span is a child of the stored traceparent and its headers carry it on', () => {
    const headers = handOffSpan('dispatch job', CALLER, { 'job.id': 'j1' });
    const [span] = spans.getFinishedSpans();
    expect(span.name).toBe('dispatch job');
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(span.spanContext().traceId).toBe(CALLER_TRACE);
    expect(headers['traceparent']).toBe(`00-${CALLER_TRACE}-${span.spanContext().spanId}-01`);
    // Without a stored parent (a scheduled run), the step starts a trace of its own.
    handOffSpan('dispatch job', null);
    expect(spans.getFinishedSpans()[1].parentSpanContext).toBeUndefined();
  });

  it('marks a span failed when its work throws, with the error message only', async () => {
    await expect(
      inSpan('failing', {}, async () => {
        throw new Error('portal said no');
      }),
    ).rejects.toThrow('portal said no');
    const [span] = spans.getFinishedSpans();
    expect(span.status).toMatchObject({ code: 2, message: 'portal said no' });
  });
});
