import type { z } from 'zod';

import type { TopicName } from './topics';

/**
 * A versioned event: its type name, schema version, the topics it may travel on and how it is keyed.
 * Consumers validate `data` against `schema`; producers build it through `createEnvelope`.
 */
export interface EventContract<T> {
  readonly type: string;
  readonly version: number;
  readonly topics: readonly TopicName[];
  readonly schema: z.ZodType<T, z.ZodTypeDef, unknown>;
  /** The Kafka key: per-client ordering for jobs, results and records; per-run for run events. */
  key(data: T): string;
  readonly description: string;
}

export function defineEvent<T>(contract: EventContract<T>): EventContract<T> {
  return contract;
}
