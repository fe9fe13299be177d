import { v7 as uuidv7 } from 'uuid';

import { compiledSafeParse } from './compiled-parse';
import type { Envelope } from './envelope';
import type { EventContract } from './event-contract';

export interface EnvelopeContext {
  firmId: string;
  correlationId?: string | null;
  causationId?: string | null;
  /** Injected in tests; defaults to now. */
  now?: Date;
}

/**
 * Builds a validated envelope for a contract; throws zod's error if `data` does not match the schema. The
 * envelope holds `data` itself when it is valid as it is (`compiledSafeParse`): do not change it afterwards.
 */
export function createEnvelope<T>(contract: EventContract<T>, data: T, ctx: EnvelopeContext): Envelope<T> {
  const result = compiledSafeParse(contract.schema)(data);
  if (!result.success) throw result.error;
  const parsed = result.data;
  return {
    id: uuidv7(),
    type: contract.type,
    version: contract.version,
    occurredAt: (ctx.now ?? new Date()).toISOString(),
    firmId: ctx.firmId,
    correlationId: ctx.correlationId ?? null,
    causationId: ctx.causationId ?? null,
    data: parsed,
  };
}
