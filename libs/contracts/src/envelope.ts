import { z } from 'zod';

/** Every message on the bus is wrapped in this envelope (DESIGN.md, "Events"). */
export const EnvelopeSchema = z.object({
  id: z.string().uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.string().datetime({ offset: true }),
  firmId: z.string().min(1),
  correlationId: z.string().nullable(),
  causationId: z.string().nullable(),
  data: z.unknown(),
});

export interface Envelope<T = unknown> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  firmId: string;
  /** The run id where there is one. */
  correlationId: string | null;
  /** The id of the event or command that caused this one. */
  causationId: string | null;
  data: T;
}
