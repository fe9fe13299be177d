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

/** An outbox row as written, with its size measured once: what the relay's memory cap counts. */
export interface WrittenRow extends OutboxRow {
  bytes: number;
}

/** About what a row costs in memory and in a produce request. */
export function outboxRowBytes(row: OutboxRow): number {
  return (
    Buffer.byteLength(row.payload) + Buffer.byteLength(row.key) + JSON.stringify(row.headers).length + 64
  );
}

/** Where a data source's committed outbox rows go: its running relay. */
export interface OutboxSink {
  /** Bytes of handed rows the sink keeps at most; a transaction that writes more leaves its rows to the poll. */
  readonly maxHandedBytes: number;
  /** Committed rows, as written, in commit order. */
  handOff(rows: readonly WrittenRow[]): void;
  /**
   * Committed rows were not handed over (the transaction wrote more than maxHandedBytes): drop the rows
   * handed before them too and poll the table, so no later row overtakes an earlier one.
   */
  pollInstead(): void;
}

/** The rows a transaction wrote (on its query runner's `data`), handed to the sink at the outermost commit. */
interface Stash {
  rows: WrittenRow[];
  bytes: number;
  /** More than the sink keeps were written: none are held, the sink polls at commit. */
  overflowed: boolean;
}

const STASH = 'practiceSyncOutboxStash';

/** The sink of each data source whose relay runs (`handOffOnCommit`). */
const sinks = new WeakMap<DataSource, OutboxSink>();
/** Data sources with the commit subscriber installed: one each, however often their relay restarts. */
const subscribed = new WeakSet<DataSource>();

type EncodedRow = ReturnType<typeof encodeEvent> & { id: string };

/** Rows enqueued in a transaction and not yet inserted (on its query runner's `data`). */
const PENDING = 'practiceSyncOutboxPending';
/** Data sources with the subscriber that inserts pending rows before each commit. */
const flushing = new WeakSet<DataSource>();

/**
 * Writes events to the service's outbox table inside the caller's transaction: they are published if and only
 * if the transaction commits. When it commits, the rows are handed to the relay as written (`handOffOnCommit`),
 * so the relay publishes them at once without reading them back; a row no relay was handed (the process died
 * first, or the transaction wrote more than the relay keeps in memory) is found by the relay's poll. Use this
 * for every event that announces a state change.
 *
 * In a transaction TypeORM runs (`dataSource.transaction`, a query runner's `startTransaction`, a group commit)
 * the rows are inserted just before its COMMIT, every event of the transaction in one statement (issue 26: a
 * group transaction of several jobs or messages wrote one INSERT each): so they are not in the table before
 * then, and a failed insert fails the commit. Before a nested transaction (savepoint) starts or ends, the rows
 * pending are inserted; a rollback drops those written since. Outside a transaction each call inserts at once.
 */
export async function enqueueEvents(manager: EntityManager, events: OutgoingEvent[]): Promise<void> {
  const encoded: EncodedRow[] = events.map((e) => ({ id: e.envelope.id, ...encodeEvent(e) }));
  if (encoded.length === 0) return;
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) {
    flushBeforeCommit(manager.connection);
    runner.data ??= {};
    const data = runner.data as Record<string, unknown>;
    const pending = (data[PENDING] as EncodedRow[] | undefined) ?? [];
    data[PENDING] = pending;
    for (const row of encoded) pending.push(row);
    return;
  }
  await insertRows(manager, encoded);
}

/** Inserts the rows of a transaction still pending (before its commit, or a savepoint's start or end). */
async function flushPending(runner: QueryRunner): Promise<void> {
  const data = runner.data as Record<string, unknown> | undefined;
  const pending = data?.[PENDING] as EncodedRow[] | undefined;
  if (!data || !pending || pending.length === 0) return;
  delete data[PENDING];
  await insertRows(runner.manager, pending);
}

function flushBeforeCommit(dataSource: DataSource): void {
  if (flushing.has(dataSource)) return;
  flushing.add(dataSource);
  const subscriber: EntitySubscriberInterface = {
    beforeTransactionCommit: ({ queryRunner }) => flushPending(queryRunner),
    // A savepoint begins: the rows written before it are the outer transaction's, not undone by its rollback.
    beforeTransactionStart: ({ queryRunner }) =>
      queryRunner.isTransactionActive ? flushPending(queryRunner) : undefined,
    beforeTransactionRollback({ queryRunner }): void {
      const data = queryRunner.data as Record<string, unknown> | undefined;
      if (data) delete data[PENDING];
    },
  };
  dataSource.subscribers.push(subscriber);
}

async function insertRows(manager: EntityManager, encoded: EncodedRow[]): Promise<void> {
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
  const sink = sinks.get(manager.connection);
  if (written.length === 0 || !sink) return; // no relay runs: its first poll finds the rows
  // Sized once, here: the stash's and the relay's caps and the relay's batches all count these bytes.
  const sized: WrittenRow[] = written.map((row) => ({ ...row, bytes: outboxRowBytes(row) }));
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) {
    stash(runner, sized, sink.maxHandedBytes);
  } else {
    // No transaction: each insert has committed already.
    sink.handOff(sized);
  }
}

function stash(runner: QueryRunner, rows: WrittenRow[], maxBytes: number): void {
  runner.data ??= {};
  const data = runner.data as Record<string, unknown>;
  const held = (data[STASH] as Stash | undefined) ?? { rows: [], bytes: 0, overflowed: false };
  data[STASH] = held;
  if (!held.overflowed) {
    for (const row of rows) {
      held.rows.push(row);
      held.bytes += row.bytes;
    }
    if (held.bytes > maxBytes) {
      held.rows = [];
      held.bytes = 0;
      held.overflowed = true;
    }
  }
}

function takeStash(runner: QueryRunner): Stash | undefined {
  const data = runner.data as Record<string, unknown> | undefined;
  const held = data?.[STASH] as Stash | undefined;
  if (data && held) delete data[STASH];
  return held;
}

/**
 * While `sink` (the relay) runs, hands it the rows of every transaction that wrote to the outbox when that
 * transaction commits, whichever code path committed it; returns the function that stops it. Rows of a
 * rolled-back transaction are dropped with it. A row written inside a savepoint that was rolled back is still
 * handed; the relay publishes only rows it finds in the table.
 */
export function handOffOnCommit(dataSource: DataSource, sink: OutboxSink): () => void {
  sinks.set(dataSource, sink);
  if (!subscribed.has(dataSource)) {
    subscribed.add(dataSource);
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit({ queryRunner }): void {
        // A savepoint's release is not the commit; the outermost COMMIT ends the transaction.
        if (queryRunner.isTransactionActive) return;
        const held = takeStash(queryRunner);
        const current = sinks.get(dataSource);
        if (!held || !current) return;
        if (held.overflowed) current.pollInstead();
        else if (held.rows.length > 0) current.handOff(held.rows);
      },
      afterTransactionRollback({ queryRunner }): void {
        if (!queryRunner.isTransactionActive) takeStash(queryRunner);
      },
    };
    dataSource.subscribers.push(subscriber);
  }
  return () => {
    if (sinks.get(dataSource) === sink) sinks.delete(dataSource);
  };
}
