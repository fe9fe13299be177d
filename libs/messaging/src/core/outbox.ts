import { returnedRows } from '@practice-sync/persistence';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';

import { encodeEvent } from './encoding';
import type { OutgoingEvent } from './types';

const ROWS_PER_INSERT = 500;

/** An outbox row as it is stored and published. */
export interface OutboxRow {
  seq: string;
  topic: string;
  key: string;
  payload: string;
  headers: Record<string, string>;
}

/** The rows a transaction wrote to the outbox (on its query runner's `data`), handed to the relay at commit. */
const OUTBOX_ROWS = 'practiceSyncOutboxRows';

/** Where a data source's committed outbox rows go (set by `handOffOnCommit`, i.e. when its relay runs). */
const handOffs = new WeakMap<DataSource, (rows: OutboxRow[]) => void>();

/**
 * Writes events to the service's outbox table inside the caller's transaction: they are published if and only
 * if the transaction commits. When it commits, the rows are handed to the relay as written (`handOffOnCommit`),
 * so the relay publishes them at once without reading them back; a row no relay was handed (the process died
 * first) is found by the relay's poll. Use this for every event that announces a state change.
 */
export async function enqueueEvents(manager: EntityManager, events: OutgoingEvent[]): Promise<void> {
  const encoded = events.map((e) => ({ id: e.envelope.id, ...encodeEvent(e) }));
  const written: OutboxRow[] = [];
  for (let i = 0; i < encoded.length; i += ROWS_PER_INSERT) {
    const chunk = encoded.slice(i, i + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const rows = chunk.map((m, j) => {
      params.push(m.id, m.topic, m.key, m.value, JSON.stringify(m.headers));
      const b = j * 5;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb)`;
    });
    const inserted = returnedRows<{ seq: string; id: string }>(
      await manager.query(
        `INSERT INTO outbox (id, topic, key, payload, headers) VALUES ${rows.join(', ')} RETURNING seq, id`,
        params,
      ),
    );
    const seqOf = new Map(inserted.map((r) => [r.id, String(r.seq)]));
    for (const m of chunk) {
      written.push({
        seq: seqOf.get(m.id) ?? '',
        topic: m.topic,
        key: m.key,
        payload: m.value,
        headers: m.headers,
      });
    }
  }
  if (written.length === 0) return;
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) {
    const data = runner.data as Record<string, unknown>;
    const pending = (data[OUTBOX_ROWS] as OutboxRow[] | undefined) ?? [];
    runner.data = { ...data, [OUTBOX_ROWS]: [...pending, ...written] };
  } else {
    // No transaction: each insert has committed already.
    handOffs.get(manager.connection)?.(written);
  }
}

function takeWritten(runner: QueryRunner): OutboxRow[] | undefined {
  const data = runner.data as Record<string, unknown> | undefined;
  const rows = data?.[OUTBOX_ROWS] as OutboxRow[] | undefined;
  if (data && rows) delete data[OUTBOX_ROWS];
  return rows;
}

/**
 * After every commit of a transaction that wrote outbox rows, hands them to `handOff` (the relay), whichever
 * code path committed them. Rows of a rolled-back transaction are dropped with it. A row written inside a
 * savepoint that was rolled back is still handed; the relay publishes only rows it finds in the table.
 */
export function handOffOnCommit(dataSource: DataSource, handOff: (rows: OutboxRow[]) => void): void {
  handOffs.set(dataSource, handOff);
  const subscriber: EntitySubscriberInterface = {
    afterTransactionCommit({ queryRunner }): void {
      // A savepoint's release is not the commit; the outermost COMMIT ends the transaction.
      if (queryRunner.isTransactionActive) return;
      const rows = takeWritten(queryRunner);
      if (rows?.length) handOff(rows);
    },
    afterTransactionRollback({ queryRunner }): void {
      if (!queryRunner.isTransactionActive) takeWritten(queryRunner);
    },
  };
  dataSource.subscribers.push(subscriber);
}
