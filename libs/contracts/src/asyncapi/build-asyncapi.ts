import { zodToJsonSchema } from 'zod-to-json-schema';

import { DLQ_HEADERS, DLQ_REASONS } from '../dead-letters';
import type { EventContract } from '../event-contract';
import type { ServiceName, TopicRoles } from '../topic-roles';
import { TOPIC_ROLES } from '../topic-roles';
import type { TopicName } from '../topics';
import { ALL_TOPICS, dlqTopicOf } from '../topics';

type Json = Record<string, unknown>;

function envelopeSchema(contract: EventContract<unknown>): Json {
  return {
    type: 'object',
    required: ['id', 'type', 'version', 'occurredAt', 'firmId', 'correlationId', 'causationId', 'data'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', format: 'uuid', description: 'UUIDv7; consumers deduplicate on it' },
      type: { const: contract.type },
      version: { const: contract.version },
      occurredAt: { type: 'string', format: 'date-time' },
      firmId: { type: 'string' },
      correlationId: { type: ['string', 'null'], description: 'the run id where there is one' },
      causationId: { type: ['string', 'null'] },
      data: zodToJsonSchema(contract.schema, { $refStrategy: 'none', target: 'jsonSchema7' }),
    },
  };
}

function messageName(contract: EventContract<unknown>): string {
  return `${contract.type}.v${contract.version}`;
}

const EVENT_HEADERS: Json = {
  'event-id': { type: 'string' },
  'event-type': { type: 'string' },
  'event-version': { type: 'string' },
  'firm-id': { type: 'string' },
  'correlation-id': { type: 'string' },
};

function eventMessage(c: EventContract<unknown>): Json {
  return {
    name: c.type,
    title: `${c.type} v${c.version}`,
    summary: c.description,
    contentType: 'application/json',
    headers: { type: 'object', properties: EVENT_HEADERS },
    payload: envelopeSchema(c),
    bindings: { kafka: { key: { type: 'string', description: 'see the channel description' } } },
  };
}

/** The same message as given up by a consumer: as it was read, plus the x-dlq-* headers. */
function deadLetterMessage(c: EventContract<unknown>): Json {
  const dlqHeaders: Record<string, Json> = Object.fromEntries(
    Object.entries(DLQ_HEADERS).map(([name, description]) => [name, { type: 'string', description }]),
  );
  dlqHeaders['x-dlq-reason'] = { ...dlqHeaders['x-dlq-reason'], enum: Object.keys(DLQ_REASONS) };
  return {
    name: `${c.type}.dlq`,
    title: `${c.type} v${c.version}, dead-lettered`,
    summary:
      `A ${c.type} message a consumer gave up, byte for byte as it was read (same key and value, its own ` +
      'headers kept) plus the x-dlq-* headers. Reasons: ' +
      Object.entries(DLQ_REASONS)
        .map(([reason, meaning]) => `${reason} (${meaning})`)
        .join('; ') +
      '. With decode_error, validation_error or unknown_type the value may not match the payload schema.',
    contentType: 'application/json',
    headers: {
      type: 'object',
      required: Object.keys(DLQ_HEADERS),
      properties: { ...EVENT_HEADERS, ...dlqHeaders },
    },
    payload: { $ref: `#/components/messages/${messageName(c)}/payload` },
    bindings: { kafka: { key: { type: 'string', description: 'the key of the message as it was read' } } },
  };
}

function dlqMessageName(c: EventContract<unknown>): string {
  return `${messageName(c)}.dlq`;
}

const ref = ($ref: string): Json => ({ $ref });
/** A JSON pointer token (RFC 6901): channel and message names have dots, never `~` or `/`, but be exact. */
const token = (name: string): string => name.replace(/~/g, '~0').replace(/\//g, '~1');

function operation(
  service: ServiceName,
  action: 'send' | 'receive',
  channel: string,
  messages: readonly string[],
  summary: string,
  group?: string,
): Json {
  return {
    action,
    channel: ref(`#/channels/${token(channel)}`),
    summary,
    messages: messages.map((m) => ref(`#/channels/${token(channel)}/messages/${token(m)}`)),
    tags: [{ name: service }],
    'x-service': service,
    ...(group ? { 'x-consumer-group': group } : {}),
    // Kafka's group binding describes a reader; the DLQ send names its group only in x-consumer-group.
    ...(group && action === 'receive'
      ? { bindings: { kafka: { groupId: { type: 'string', enum: [group] }, bindingVersion: '0.5.0' } } }
      : {}),
  };
}

/**
 * The AsyncAPI 3.0 document of every topic and event, generated from the zod schemas in this lib and from
 * TOPIC_ROLES: one channel per topic, a DLQ twin for each topic a service consumes, and per service one `send`
 * operation for each topic it produces, one `receive` for each it consumes and one `send` to that topic's DLQ.
 * `npm run asyncapi` writes it to `libs/contracts/asyncapi.json`; a unit test fails when the file drifts.
 */
export function buildAsyncApi(
  contracts: readonly EventContract<unknown>[],
  roles: Readonly<Record<TopicName, TopicRoles>> = TOPIC_ROLES,
): Json {
  const messages: Json = Object.fromEntries(contracts.map((c) => [messageName(c), eventMessage(c)]));
  const channels: Json = {};
  const operations: Json = {};
  for (const topic of ALL_TOPICS) {
    const on = contracts.filter((c) => (c.topics as readonly string[]).includes(topic));
    const { producers, consumers, note } = roles[topic];
    const dlq = dlqTopicOf(topic);
    channels[topic] = {
      address: topic,
      description: [
        `Kafka topic ${topic}. Keys: ${
          on.length ? on.map((c) => `${c.type} by ${keyDescription(c)}`).join('; ') : 'no events yet'
        }.`,
        `Sent by ${names(producers)}; received by ${names(consumers.map((r) => `${r.service} (group ${r.group})`))}.`,
        consumers.length ? `Dead letters on ${dlq}.` : '',
        note ?? '',
      ]
        .filter(Boolean)
        .join(' '),
      messages: Object.fromEntries(
        on.map((c) => [messageName(c), ref(`#/components/messages/${messageName(c)}`)]),
      ),
    };
    const onNames = on.map(messageName);
    for (const service of producers) {
      operations[`${service}.send.${topic}`] = operation(
        service,
        'send',
        topic,
        onNames,
        `${service} sends to ${topic} through its outbox.`,
      );
    }
    if (!consumers.length) continue;
    for (const c of on) messages[dlqMessageName(c)] = deadLetterMessage(c);
    channels[dlq] = {
      address: dlq,
      description:
        `Dead letters of ${topic}: the messages its consumers could not decode, validate or handle, each with ` +
        `the x-dlq-* headers. No service reads it: an operator inspects it and replays by hand ` +
        `(docs/runbooks/DeadLetterQueueNotEmpty.md).`,
      messages: Object.fromEntries(
        on.map((c) => [dlqMessageName(c), ref(`#/components/messages/${dlqMessageName(c)}`)]),
      ),
    };
    for (const { service, group } of consumers) {
      operations[`${service}.receive.${topic}`] = operation(
        service,
        'receive',
        topic,
        onNames,
        `${service} receives ${topic} through its inbox (at-least-once, deduplicated by envelope id).`,
        group,
      );
      operations[`${service}.send.${dlq}`] = operation(
        service,
        'send',
        dlq,
        on.map(dlqMessageName),
        `${service} gives up a message of ${topic} that it cannot decode, validate or handle.`,
        group,
      );
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'practice-sync events',
      version: '1.0.0',
      description:
        'Every message is a JSON envelope (id, type, version, occurredAt, firmId, correlationId, causationId, data). ' +
        'Delivery is at-least-once; consumers are idempotent by envelope id. Topic names are never renamed in place. ' +
        'Operations are per service (x-service, tag and id prefix); a consumed topic has a dead-letter twin (.dlq).',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}

function names(list: readonly string[]): string {
  return list.length ? list.join(', ') : 'no service of practice-sync';
}

function keyDescription(c: EventContract<unknown>): string {
  if (c.type.startsWith('sync.run')) return 'run id';
  return c.type.startsWith('books.') ? 'link id' : 'client id';
}
