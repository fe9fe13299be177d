import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { createEnvelope, SyncJobRequestedEvent, Topics } from '@practice-sync/contracts';
import {
  currentTraceparent,
  inSpan,
  SpanKind,
  startInMemoryTracing,
  stopTracing,
} from '@practice-sync/observability';
import type { KafkaMessage, Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';

import { encodeEvent } from './encoding';
import { InboxConsumer } from './inbox-consumer';
import { silentLogger } from './logger';
import { enqueueEvents } from './outbox';

const data = {
  jobId: '0192f0c4-1111-7000-8000-000000000001',
  runId: '0192f0c4-1111-7000-8000-000000000002',
  clientId: '0192f0c4-1111-7000-8000-000000000003',
  category: 'gst.gstr2b' as const,
  subject: { kind: 'gstin' as const, value: '27AAACR5055K1Z7' },
  period: '102026',
  attempt: 1,
};
const envelope = createEnvelope(SyncJobRequestedEvent, data, { firmId: 'f1', correlationId: data.runId });
const event = { contract: SyncJobRequestedEvent, envelope, topic: Topics.JobsGst };

const STORED = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** An EntityManager that records its queries and answers each insert as if it were new. */
function fakeManager(queries: { sql: string; params: unknown[] }[]): EntityManager {
  return {
    connection: {},
    query: async (sql: string, params: unknown[] = []) => {
      queries.push({ sql, params });
      if (sql.startsWith('INSERT INTO outbox')) return [{ seq: '1', id: envelope.id }];
      return [{ event_id: envelope.id }];
    },
  } as unknown as EntityManager;
}

describe('trace context through the outbox and the inbox', () => {
  let spans: InMemorySpanExporter;
  beforeAll(() => {
    spans = startInMemoryTracing('connector-gst');
  });
  afterEach(() => spans.reset());
  afterAll(() => stopTracing());

  it('a message carries the traceparent of the span it was produced in, or the one it was given', async () => {
    expect(encodeEvent(event).headers).not.toHaveProperty('traceparent');
    const inside = await inSpan('work', {}, async () => {
      const m = encodeEvent(event);
      expect(encodeEvent({ ...event, traceHeaders: { traceparent: STORED } }).headers['traceparent']).toBe(
        STORED,
      );
      return { m, current: currentTraceparent() };
    });
    expect(inside.m.headers['traceparent']).toBe(inside.current);
    expect(inside.m.headers['event-id']).toBe(envelope.id);
  });

  it('the outbox row stores the traceparent header when the message is enqueued', async () => {
    const queries: { sql: string; params: unknown[] }[] = [];
    const current = await inSpan('POST /internal/v1/sync-runs', {}, async () => {
      await enqueueEvents(fakeManager(queries), [event]);
      return currentTraceparent();
    });
    const headers = JSON.parse(String(queries[0].params[4])) as Record<string, string>;
    expect(current).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(headers['traceparent']).toBe(current);
  });

  it('the consumer runs the handler in a span continuing the message traceparent', async () => {
    const queries: { sql: string; params: unknown[] }[] = [];
    const manager = fakeManager(queries);
    const dataSource = {
      transaction: async (fn: (m: EntityManager) => unknown) => fn(manager),
    } as unknown as DataSource;
    let inHandler: string | null = null;
    const consumer = new InboxConsumer(
      {
        groupId: 'connector-gst.jobs',
        topics: [Topics.JobsGst],
        contracts: [SyncJobRequestedEvent],
        batchSize: 1,
        handle: async () => {
          inHandler = currentTraceparent();
        },
      },
      'connector-gst.jobs',
      { dataSource, producer: {} as Producer, logger: silentLogger },
    );
    const message = {
      key: Buffer.from(data.clientId),
      value: Buffer.from(JSON.stringify(envelope)),
      offset: '7',
      headers: { traceparent: Buffer.from(STORED), 'event-id': Buffer.from(envelope.id) },
    } as unknown as KafkaMessage;
    await consumer.eachMessage({
      topic: Topics.JobsGst,
      partition: 0,
      message,
      heartbeat: async () => undefined,
      pause: () => () => undefined,
    });
    const [span] = spans.getFinishedSpans();
    expect(span.name).toBe(`process ${Topics.JobsGst}`);
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span.attributes['messaging.consumer.group.name']).toBe('connector-gst.jobs');
    expect(inHandler).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01`);
  });
});
