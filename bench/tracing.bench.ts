// Cost of tracing per job: the span work one job causes across the services (dispatch hand-off, connector
// intake, run job, three portal calls, two outbox rows, three consumers downstream, one log line), all in this
// process, first with tracing off (nothing registered), then on at 100% sampling with the real batch processor
// and OTLP/HTTP JSON exporter sending to a local sink that discards the body. No Kafka, no database: the
// figures are the tracing overhead alone, to set against the ~9 PostgreSQL transactions a job costs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';

import {
  contextFromHeaders,
  contextFromTraceparent,
  currentTraceparent,
  handOffSpan,
  inSpan,
  loggerOptions,
  SpanKind,
  startTracing,
  stopTracing,
  traceHeaders,
} from '@practice-sync/observability';
import pino from 'pino';

const JOBS = 20_000;
const RUN_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const log = pino(loggerOptions('bench', 'info'), new Writable({ write: (_chunk, _enc, done) => done() }));

async function oneJob(i: number): Promise<void> {
  const jobHeaders = handOffSpan('dispatch job', RUN_TRACEPARENT, { 'job.id': String(i) });
  let stored: string | null = null;
  await inSpan(
    'process sync.jobs.gst.v1',
    { kind: SpanKind.CONSUMER, parent: contextFromHeaders(jobHeaders) },
    async () => {
      stored = currentTraceparent();
    },
  );
  let out: Record<string, string> = {};
  await inSpan('run job', { parent: contextFromTraceparent(stored) }, async () => {
    for (let call = 0; call < 3; call++) {
      await inSpan('portal GET gst.gstr2b', { kind: SpanKind.CLIENT }, async (span) => {
        span.setAttribute('http.response.status_code', 200);
      });
    }
    traceHeaders();
    out = traceHeaders();
    log.info({ jobId: String(i) }, 'job succeeded');
  });
  for (const name of ['client-master.records', 'client-master.results', 'sync-orchestrator.results']) {
    await inSpan(
      `process ${name}`,
      { kind: SpanKind.CONSUMER, parent: contextFromHeaders(out) },
      async () => undefined,
    );
  }
}

async function measure(): Promise<{ cpuMs: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < JOBS; i++) {
    await oneJob(i);
    // Lets the batch processor's timer and the exporter run, as they would between a service's messages.
    if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
  }
  await stopTracing(); // flushes what is still batched: part of the cost
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

export async function run() {
  let bytes = 0;
  let spans = 0;
  const sink = createServer((req, res) => {
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      spans += c.toString('latin1').split('"spanId"').length - 1;
    });
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  try {
    await measure(); // warm-up (JIT), tracing off
    const off = await measure();
    startTracing('bench', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    await measure(); // warm-up, tracing on
    bytes = 0;
    spans = 0;
    startTracing('bench', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    const on = await measure();
    const per1000 = (ms: number) => Math.round((ms / JOBS) * 1000 * 10) / 10;
    const note = `${JOBS} jobs, 9 spans each; in-process, no I/O but the export`;
    return [
      { name: 'tracing off: span work per 1,000 jobs (CPU)', value: per1000(off.cpuMs), unit: 'ms', note },
      {
        name: 'tracing on (100% sampled, OTLP/HTTP JSON): per 1,000 jobs (CPU)',
        value: per1000(on.cpuMs),
        unit: 'ms',
        note: `${note}; ${Math.round(bytes / JOBS)} bytes exported per job, ${spans} of ${JOBS * 9} spans exported`,
      },
    ];
  } finally {
    await stopTracing();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}
