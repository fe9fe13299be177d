import type { EntityManager } from 'typeorm';

import { encodeEvent } from './encoding';
import type { OutgoingEvent } from './types';

const ROWS_PER_INSERT = 500;

/**
 * Writes events to the service's outbox table inside the caller's transaction: they are published if and only
 * if the transaction commits (the relay picks them up). Use this for every event that announces a state change.
 */
export async function enqueueEvents(manager: EntityManager, events: OutgoingEvent[]): Promise<void> {
  const encoded = events.map((e) => ({ id: e.envelope.id, ...encodeEvent(e) }));
  for (let i = 0; i < encoded.length; i += ROWS_PER_INSERT) {
    const chunk = encoded.slice(i, i + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const rows = chunk.map((m, j) => {
      params.push(m.id, m.topic, m.key, m.value, JSON.stringify(m.headers));
      const b = j * 5;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb)`;
    });
    await manager.query(
      `INSERT INTO outbox (id, topic, key, payload, headers) VALUES ${rows.join(', ')}`,
      params,
    );
  }
}
