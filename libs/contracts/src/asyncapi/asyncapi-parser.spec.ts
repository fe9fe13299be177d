import type { AsyncAPIDocumentInterface, Diagnostic } from '@asyncapi/parser';
import { Parser } from '@asyncapi/parser';

import { DLQ_HEADERS, DLQ_REASONS } from '../dead-letters';
import { ALL_EVENTS } from '../index';
import { TOPIC_ROLES } from '../topic-roles';
import { ALL_TOPICS, dlqTopicOf } from '../topics';
import { buildAsyncApi } from './build-asyncapi';

// The official AsyncAPI parser (JSON Schema of the spec + its Spectral rules). It opens no socket for a
// document whose $refs are all local (the unit project's no-I/O guard would fail these tests); loading its
// rulesets takes a few seconds, hence the timeouts.
const PARSE_MS = 60_000;
const ERROR = 0;
const WARNING = 1;

/** The generated document, typed as the parser's input (a plain object with its `asyncapi` version). */
type Doc = Record<string, unknown> & { asyncapi: string };

function generated(): Doc {
  return buildAsyncApi(ALL_EVENTS) as Doc;
}

function problems(diagnostics: Diagnostic[]): string[] {
  return diagnostics
    .filter((d) => d.severity === ERROR || d.severity === WARNING)
    .map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
}

function refsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsOf(v)));
}

describe('AsyncAPI document, checked by @asyncapi/parser', () => {
  const parser = new Parser();
  let parsed: AsyncAPIDocumentInterface;

  beforeAll(async () => {
    const { document, diagnostics } = await parser.parse(generated());
    expect(problems(diagnostics)).toEqual([]);
    if (!document) throw new Error('the parser returned no document');
    parsed = document;
  }, PARSE_MS);

  it(
    'rejects a broken document: an operation naming a message its channel does not carry',
    async () => {
      const broken = generated() as Doc & {
        operations: Record<string, { messages: unknown[] }>;
      };
      broken.operations['connector-gst.receive.sync.jobs.gst.v1'].messages = [
        { $ref: '#/channels/sync.results.v1/messages/sync.job.completed.v1' },
      ];
      const { document, diagnostics } = await parser.parse(broken);
      expect(document).toBeUndefined();
      expect(problems(diagnostics).join('\n')).toMatch(
        /Operation message does not belong to the specified channel/,
      );
    },
    PARSE_MS,
  );

  it('refers only inside itself (a remote $ref would make the parser fetch it)', () => {
    const refs = refsOf(generated());
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((r) => !r.startsWith('#/'))).toEqual([]);
  });

  it('has a channel for every topic, a send for each producer and a receive for each consumer', () => {
    for (const topic of ALL_TOPICS) {
      const channel = parsed.channels().get(topic);
      expect({ topic, address: channel?.address() }).toEqual({ topic, address: topic });
      const ops = parsed
        .operations()
        .all()
        .filter((op) =>
          op
            .channels()
            .all()
            .some((c) => c.id() === topic),
        )
        .map((op) => `${op.extensions().get('x-service')?.value<string>()} ${op.action()}`);
      const { producers, consumers } = TOPIC_ROLES[topic];
      expect({ topic, ops: ops.sort() }).toEqual({
        topic,
        ops: [...producers.map((s) => `${s} send`), ...consumers.map((c) => `${c.service} receive`)].sort(),
      });
    }
  });

  it('names the consumer group of every receive in its Kafka binding', () => {
    const receives = parsed.operations().filterByReceive();
    expect(receives.length).toBe(Object.values(TOPIC_ROLES).flatMap((r) => r.consumers).length);
    for (const op of receives) {
      const group = op.extensions().get('x-consumer-group')?.value<string>();
      const binding = op.bindings().get('kafka')?.value<{ groupId: { enum: string[] } }>();
      expect({ op: op.id(), group: binding?.groupId.enum }).toEqual({ op: op.id(), group: [group] });
    }
  });

  it('has a DLQ twin for every consumed topic, carrying its messages with every x-dlq-* header', () => {
    const consumed = ALL_TOPICS.filter((t) => TOPIC_ROLES[t].consumers.length > 0);
    expect(consumed.length).toBeGreaterThan(0);
    for (const topic of consumed) {
      const dlq = parsed.channels().get(dlqTopicOf(topic));
      expect({ topic, address: dlq?.address() }).toEqual({ topic, address: dlqTopicOf(topic) });
      const source = parsed.channels().get(topic);
      const messages = dlq?.messages().all() ?? [];
      expect(messages.map((m) => m.id()).sort()).toEqual(
        (source?.messages().all() ?? []).map((m) => `${m.id()}.dlq`).sort(),
      );
      for (const message of messages) {
        const headers = message.headers();
        expect({ message: message.id(), required: headers?.required() }).toEqual({
          message: message.id(),
          required: Object.keys(DLQ_HEADERS),
        });
        expect(headers?.properties()?.['x-dlq-reason']?.enum()).toEqual(Object.keys(DLQ_REASONS));
      }
      // Each consumer's InboxConsumer writes the twin: one send per consumer, named for its service.
      const senders = parsed
        .operations()
        .filterBySend()
        .filter((op) =>
          op
            .channels()
            .all()
            .some((c) => c.id() === dlqTopicOf(topic)),
        )
        .map((op) => op.extensions().get('x-service')?.value<string>());
      expect(senders.sort()).toEqual(TOPIC_ROLES[topic].consumers.map((c) => c.service).sort());
    }
  });

  it('has no DLQ channel for a topic nothing here consumes', () => {
    const unread = ALL_TOPICS.filter((t) => TOPIC_ROLES[t].consumers.length === 0);
    expect(unread.length).toBeGreaterThan(0);
    for (const topic of unread) expect(parsed.channels().get(dlqTopicOf(topic))).toBeUndefined();
  });
});

describe('TOPIC_ROLES', () => {
  it('gives every topic a producer and a consumer, or a note saying why not', () => {
    const unexplained = ALL_TOPICS.filter((t) => {
      const { producers, consumers, note } = TOPIC_ROLES[t];
      return (producers.length === 0 || consumers.length === 0) && !note;
    });
    expect(unexplained).toEqual([]);
  });
});
