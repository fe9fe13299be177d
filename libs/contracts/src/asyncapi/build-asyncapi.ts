import { zodToJsonSchema } from 'zod-to-json-schema';

import type { EventContract } from '../event-contract';
import { ALL_TOPICS } from '../topics';

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

/**
 * The AsyncAPI 3.0 document of every topic and event, generated from the zod schemas in this lib.
 * `npm run asyncapi` writes it to `libs/contracts/asyncapi.json`; a unit test fails when the file drifts.
 */
export function buildAsyncApi(contracts: readonly EventContract<unknown>[]): Json {
  const messages: Json = {};
  for (const c of contracts) {
    messages[messageName(c)] = {
      name: c.type,
      title: `${c.type} v${c.version}`,
      summary: c.description,
      contentType: 'application/json',
      headers: {
        type: 'object',
        properties: {
          'event-id': { type: 'string' },
          'event-type': { type: 'string' },
          'event-version': { type: 'string' },
          'firm-id': { type: 'string' },
          'correlation-id': { type: 'string' },
        },
      },
      payload: envelopeSchema(c),
      bindings: { kafka: { key: { type: 'string', description: 'see the channel description' } } },
    };
  }
  const channels: Json = {};
  for (const topic of ALL_TOPICS) {
    const on = contracts.filter((c) => (c.topics as readonly string[]).includes(topic));
    channels[topic] = {
      address: topic,
      description: `Kafka topic ${topic} (dead letters on ${topic}.dlq with x-dlq-* headers). Keys: ${
        on.length ? on.map((c) => `${c.type} by ${keyDescription(c)}`).join('; ') : 'no events yet'
      }.`,
      messages: Object.fromEntries(
        on.map((c) => [messageName(c), { $ref: `#/components/messages/${messageName(c)}` }]),
      ),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'practice-sync events',
      version: '1.0.0',
      description:
        'Every message is a JSON envelope (id, type, version, occurredAt, firmId, correlationId, causationId, data). ' +
        'Delivery is at-least-once; consumers are idempotent by envelope id. Topic names are never renamed in place.',
    },
    defaultContentType: 'application/json',
    channels,
    components: { messages },
  };
}

function keyDescription(c: EventContract<unknown>): string {
  return c.type.startsWith('sync.run') ? 'run id' : 'client id';
}
