import type { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';

import { encodeEvent } from './encoding';
import type { OutgoingEvent } from './types';

const ROWS_PER_INSERT = 500;

/** Marks a transaction that wrote outbox rows (on its query runner's `data`, fresh for every transaction). */
const OUTBOX_WRITTEN = 'practiceSyncOutboxWritten';

/**
 * Writes events to the service's outbox table inside the caller's transaction: they are published if and only
 * if the transaction commits (the relay picks them up, woken by `wakeRelayOnCommit` at once). Use this for every
 * event that announces a state change.
 */
export async function enqueueEvents(manager: EntityManager, events: OutgoingEvent[]): Promise<void> {
  if (events.length > 0 && manager.queryRunner?.isTransactionActive) {
    manager.queryRunner.data = { ...manager.queryRunner.data, [OUTBOX_WRITTEN]: true };
  }
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

/**
 * Calls `wake` after every commit of a transaction that wrote outbox rows, so the relay publishes them at once
 * whichever code path committed them, and can poll slowly while nothing happens.
 */
export function wakeRelayOnCommit(dataSource: DataSource, wake: () => void): void {
  const subscriber: EntitySubscriberInterface = {
    afterTransactionCommit(event: TransactionCommitEvent): void {
      const runner = event.queryRunner;
      // A savepoint's release is not the commit; the outermost COMMIT ends the transaction.
      if (runner.isTransactionActive || !runner.data?.[OUTBOX_WRITTEN]) return;
      delete runner.data[OUTBOX_WRITTEN];
      wake();
    },
  };
  dataSource.subscribers.push(subscriber);
}
