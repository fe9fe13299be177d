import type { Envelope } from '@practice-sync/contracts';
import { compiledSafeParse, EnvelopeSchema } from '@practice-sync/contracts';
import { traceHeaders } from '@practice-sync/observability';

import type { AnyContract, OutgoingEvent } from './types';

export interface EncodedMessage {
  /** Canonical topic name (no prefix). */
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * Resolves the topic of an outgoing event and serialises it; rejects a topic the contract does not allow. The
 * message carries the trace context it was produced in (`traceparent`), so its consumer continues the trace.
 */
export function encodeEvent(event: OutgoingEvent): EncodedMessage {
  const { contract, envelope } = event;
  const topic = event.topic ?? (contract.topics.length === 1 ? contract.topics[0] : undefined);
  if (!topic) {
    throw new Error(`${contract.type} may travel on ${contract.topics.join(', ')}: say which topic`);
  }
  if (!(contract.topics as readonly string[]).includes(topic)) {
    throw new Error(`${contract.type} may not be published on ${topic}`);
  }
  if (envelope.type !== contract.type || envelope.version !== contract.version) {
    throw new Error(
      `envelope ${envelope.type}@v${envelope.version} does not match ${contract.type}@v${contract.version}`,
    );
  }
  return {
    topic,
    key: contract.key(envelope.data),
    value: JSON.stringify(envelope),
    headers: {
      ...(event.traceHeaders ?? traceHeaders()),
      'event-id': envelope.id,
      'event-type': envelope.type,
      'event-version': String(envelope.version),
      'firm-id': envelope.firmId,
      ...(envelope.correlationId ? { 'correlation-id': envelope.correlationId } : {}),
    },
  };
}

export type DecodeFailure = {
  ok: false;
  reason: 'decode_error' | 'validation_error' | 'unknown_type';
  error: string;
};
export type DecodeResult = { ok: true; envelope: Envelope<unknown> } | DecodeFailure;

/**
 * Parses and validates a message against the envelope and the contract for its type and version (through the
 * contracts' compiled validators, with zod's errors for what they refuse).
 */
export function decodeMessage(value: Buffer | null, contracts: readonly AnyContract[]): DecodeResult {
  if (!value) return { ok: false, reason: 'decode_error', error: 'empty message value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: 'decode_error', error: `not JSON: ${(e as Error).message}` };
  }
  const env = compiledSafeParse(EnvelopeSchema)(json);
  if (!env.success)
    return { ok: false, reason: 'validation_error', error: `envelope: ${describe(env.error)}` };
  const contract = contracts.find((c) => c.type === env.data.type && c.version === env.data.version);
  if (!contract) {
    return {
      ok: false,
      reason: 'unknown_type',
      error: `no contract for ${env.data.type}@v${env.data.version}`,
    };
  }
  const data = compiledSafeParse(contract.schema)(env.data.data);
  if (!data.success) return { ok: false, reason: 'validation_error', error: `data: ${describe(data.error)}` };
  return { ok: true, envelope: { ...env.data, data: data.data } };
}

function describe(error: { issues: { path: (string | number)[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'} ${i.message}`)
    .join('; ');
}
