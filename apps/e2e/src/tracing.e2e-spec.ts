import { readFileSync } from 'node:fs';

import type { CollectedSpan, OtlpCollector, StackHandle } from '@practice-sync/testing';
import { startOtlpCollector, startStack, waitFor } from '@practice-sync/testing';

import { ApiClient } from './api-client';
import type { Job, Page, Run } from './sync-run-views';
import { gstinFor } from './sync-run-views';

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

function previousGstPeriod(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
  return `${String(d.getUTCMonth() + 1).padStart(2, '0')}${d.getUTCFullYear()}`;
}

/**
 * One sync run of one client on one category, through the real stack with tracing on: every service exports
 * its spans over OTLP/HTTP to a collector this test runs, and one trace must hold every hop of the job, from
 * the gateway's request to the records landing in client-master, each span the child of the hop before it.
 */
describe('tracing: one trace per job, end to end', () => {
  let collector: OtlpCollector;
  let stack: StackHandle;
  let api: ApiClient;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    stack = await startStack({
      services: ['portal-sandbox', 'client-master', 'sync-orchestrator', 'connector-gst', 'gateway'],
      // Access is not the subject here: the job fetches without a portal session.
      access: 'lax',
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        // Export batches every 100 ms rather than 5 s, so the test does not wait for them.
        OTEL_BSP_SCHEDULE_DELAY: '100',
        DISPATCH_POLL_MS: '100',
      },
    });
    const firm = await stack.createFirmWithAdmin('Traced Associates');
    api = new ApiClient(stack.gatewayUrl, firm.adminApiKey);
  });

  afterAll(async () => {
    await stack?.stop();
    await collector?.stop();
  });

  it('follows a job from the gateway through the orchestrator, Kafka and the connector to client-master', async () => {
    const client = await api.post<{ id: string }>('/v1/clients', {
      name: 'Traced Traders',
      pan: 'AAACR5055K',
      gstins: [gstinFor('AAACR5055K')],
    });
    expect(client.status).toBe(201);
    const started = await api.post<Run>('/v1/sync-runs', {
      clients: { all: true },
      categories: ['gst.gstr2b'],
      period: { gst: previousGstPeriod() },
    });
    expect(started.status).toBe(202);
    const run = await waitFor(
      async () => {
        const r = await api.get<Run>(`/v1/sync-runs/${started.body.id}`);
        return r.body.status === 'completed' ? r.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300, description: 'the run to complete' },
    );
    const [job] = (await api.get<Page<Job>>(`/v1/sync-runs/${run.id}/jobs`)).body.items;
    expect(job).toMatchObject({ category: 'gst.gstr2b', outcome: 'succeeded' });
    expect(job.counts.added).toBeGreaterThan(0);

    // The gateway's request span is the trace's root: the test's own request carried no traceparent.
    const root = await waitFor(
      async () =>
        collector
          .spans()
          .find((s) => s.service === 'gateway' && s.name === 'POST /v1/sync-runs' && s.kind === SERVER),
      { timeoutMs: 10_000, intervalMs: 100, description: "the gateway's POST /v1/sync-runs span" },
    );
    expect(root.parentSpanId).toBe('');
    const inTrace = () => collector.spans().filter((s) => s.traceId === root.traceId);
    const group = (s: CollectedSpan) => s.attributes['messaging.consumer.group.name'];
    // Spans arrive in batches, after the run completed: wait for the last hops' spans.
    await waitFor(
      async () =>
        ['client-master.records', 'client-master.results', 'sync-orchestrator.results'].every((g) =>
          inTrace().some((s) => group(s) === g),
        ) || undefined,
      { timeoutMs: 10_000, intervalMs: 100, description: 'the consumers of the result and records spans' },
    );
    const spans = inTrace();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (s: CollectedSpan) => byId.get(s.parentSpanId);
    const one = (what: string, match: (s: CollectedSpan) => boolean): CollectedSpan => {
      const found = spans.filter(match);
      if (found.length === 0) {
        const seen = spans.map((s) => `${s.service}: ${s.name}`).join('\n');
        throw new Error(`no ${what} in the trace; it holds:\n${seen}`);
      }
      return found[0];
    };

    // gateway → orchestrator over internal HTTP
    const forward = one(
      'gateway call to the orchestrator',
      (s) => s.service === 'gateway' && s.kind === CLIENT,
    );
    expect(parentOf(forward)).toBe(root);
    const create = one(
      'orchestrator request span',
      (s) => s.service === 'sync-orchestrator' && s.kind === SERVER,
    );
    expect(parentOf(create)).toBe(forward);
    // the fan-out (a poller) continues the run's request trace, and asks client-master for the selection in it
    const fanOut = one(
      'fan-out page span',
      (s) => s.name === 'fan out page' && s.attributes['run.id'] === run.id,
    );
    expect(parentOf(fanOut)).toBe(create);
    const selection = one(
      'client-master selection request',
      (s) =>
        s.service === 'client-master' &&
        s.kind === SERVER &&
        parentOf(s)?.service === 'sync-orchestrator' &&
        parentOf(parentOf(s) as CollectedSpan) === fanOut,
    );
    expect(selection.name).toMatch(/^POST /);
    // the dispatcher (a poller) continues the run's request trace
    const dispatch = one(
      'dispatch job span',
      (s) => s.name === 'dispatch job' && s.attributes['job.id'] === job.id,
    );
    expect(dispatch.service).toBe('sync-orchestrator');
    expect(parentOf(dispatch)).toBe(create);
    // the Kafka job message → the connector's intake, then its worker (another poller) and the portal
    const intake = one('connector intake', (s) => group(s) === 'connector-gst.jobs');
    expect(intake).toMatchObject({ service: 'connector-gst', kind: CONSUMER });
    expect(parentOf(intake)).toBe(dispatch);
    const runJob = one('run job span', (s) => s.name === 'run job' && s.attributes['job.id'] === job.id);
    expect(runJob.service).toBe('connector-gst');
    expect(parentOf(runJob)).toBe(intake);
    const portal = spans.filter((s) => s.service === 'connector-gst' && s.name === 'portal GET gst.gstr2b');
    expect(portal.length).toBeGreaterThan(0);
    for (const call of portal) expect(parentOf(call)).toBe(runJob);
    // the result and the records (outbox → Kafka) into client-master and back to the orchestrator
    for (const g of ['client-master.records', 'client-master.results', 'sync-orchestrator.results']) {
      const consumed = one(`${g} consumer span`, (s) => group(s) === g);
      expect(consumed.kind).toBe(CONSUMER);
      expect(parentOf(consumed)).toBe(runJob);
    }

    // Every log line written inside a span carries its trace id: the connector's line about this job does.
    const jobLines = readFileSync(stack.logFile('connector-gst'), 'utf8')
      .split('\n')
      .filter((line) => line.includes(job.id) && line.includes('"msg":"job succeeded"'));
    expect(jobLines).toHaveLength(1);
    expect(JSON.parse(jobLines[0])).toMatchObject({ trace_id: root.traceId, span_id: runJob.spanId });
  });
});
