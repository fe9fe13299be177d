import { returnedRows } from '@practice-sync/persistence';
import type { Producer } from 'kafkajs';
import type { Counter } from 'prom-client';
import type { DataSource, QueryRunner } from 'typeorm';

import type { MessagingLogger } from './logger';
import type { OutboxRow, OutboxSink, WrittenRow } from './outbox';
import { outboxRowBytes } from './outbox';

export interface OutboxRelayOptions {
  topicPrefix: string;
  /** How soon the relay polls the table again after a poll that found rows (default 100 ms). */
  pollIntervalMs?: number;
  /**
   * While polls find nothing, the wait doubles up to this (default 2,000 ms). Rows committed by this process
   * are handed to the relay at commit (handOffOnCommit) and published at once, so the poll only covers rows
   * no relay was handed: left by a process that died, or by one whose publish failed.
   */
  idlePollMaxMs?: number;
  /**
   * Bytes of handed rows held in memory waiting for the broker (default 16 MiB). Past it they are dropped and
   * polled from the table instead, so a broker outage never grows the process.
   */
  maxHandedBytes?: number;
  /** Rows published per Kafka batch and transaction. */
  batchSize?: number;
  published?: Counter<'topic'>;
  /** Batches published, by path: `handed` (from memory at commit) or `polled` (read from the table). */
  batches?: Counter<'path'>;
  failed?: Counter<'topic'>;
  /** Bytes per produce request; Kafka refuses a record batch over `message.max.bytes` (1 MiB by default). */
  maxBatchBytes?: number;
  /**
   * How long one transaction of the handed path stays open (default 200 ms; 0: one per batch). Handed batches are
   * published at once as before; their deletes join the open transaction, which commits once this long has passed
   * since it began (or at stop). Until then the deleted rows stay locked, so no relay polls them: exactly one
   * publish per row while nothing fails, as with a transaction per batch, for at most 1000 / deleteWindowMs
   * transactions a second instead of one per committed transaction of the service. A failure or a crash inside
   * the window re-sends the window's rows (at-least-once, as a crash between ack and delete always did).
   */
  deleteWindowMs?: number;
  /** Handed rows deleted in one window before it commits early (default 5,000). */
  deleteWindowMaxRows?: number;
}

const DEFAULT_DELETE_WINDOW_MS = 200;
const DEFAULT_DELETE_WINDOW_MAX_ROWS = 5000;

const DEFAULT_MAX_BATCH_BYTES = 512 * 1024;
const DEFAULT_MAX_HANDED_BYTES = 16 * 1024 * 1024;

/** Error types for which a retry of the same messages can never succeed. */
const PERMANENT = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

function isPermanentProduceError(e: unknown): boolean {
  const type = (e as { type?: unknown } | null)?.type;
  return typeof type === 'string' && PERMANENT.has(type);
}

/** The oldest rows whose total size stays within `maxBytes` (always at least one). */
export function takeWithinBytes<R extends OutboxRow>(
  rows: R[],
  maxBytes: number,
  sizeOf: (row: R) => number = outboxRowBytes,
): R[] {
  let total = 0;
  let n = 0;
  for (const row of rows) {
    total += sizeOf(row);
    if (n > 0 && total > maxBytes) break;
    n++;
  }
  return rows.slice(0, n);
}

/**
 * Publishes committed outbox rows to Kafka and deletes them once the broker has acknowledged them (acks=all).
 * A crash between the broker's ack and the delete re-sends the batch: delivery is at-least-once and consumers
 * are idempotent by event id. Rows of rolled-back transactions never exist.
 *
 * Two paths, one loop (so this process publishes in one order):
 * - handed: the rows this process commits are handed over at commit (`handOff`), in commit order, and published
 *   from memory: a transaction deletes them (`DELETE … RETURNING`, which also skips any row another relay took
 *   meanwhile), the batch is produced, and the delete commits — the table is never read. The deletes of the
 *   batches handed within `deleteWindowMs` share one transaction (rows stay locked until it commits).
 * - polled: at start, every `pollIntervalMs`…`idlePollMaxMs`, on `wake()` and after a failure, the oldest rows
 *   of the table, `FOR UPDATE SKIP LOCKED`, so several relays (one per service instance) take distinct rows.
 *   After a failure the handed rows are dropped and polled instead, oldest first, so no later row overtakes
 *   them.
 */
export class OutboxRelay implements OutboxSink {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private pollRequested = false;
  /** After a failure the relay waits out its back-off: new hand-offs queue without waking it. */
  private backingOff = false;
  /** Handed rows, in commit order, with their size as measured when they were written. */
  private handed: WrittenRow[] = [];
  private handedBytes = 0;
  /** The handed path's open transaction: the deletes of the batches published since `since`. */
  private window: { runner: QueryRunner; since: number; rows: number; seqs: string[] } | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Producer,
    private readonly logger: MessagingLogger,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Asks the relay to poll the table now (for rows written by other means than `enqueueEvents`). */
  wake(): void {
    this.pollRequested = true;
    this.wakeUp?.();
  }

  get maxHandedBytes(): number {
    return this.options.maxHandedBytes ?? DEFAULT_MAX_HANDED_BYTES;
  }

  /** Committed rows, as written, in commit order (handOffOnCommit): published at once, never read back. */
  handOff(rows: readonly WrittenRow[]): void {
    if (!this.running) return; // the next relay's first poll finds them
    for (const row of rows) {
      this.handed.push(row);
      this.handedBytes += row.bytes;
    }
    if (this.handedBytes > this.maxHandedBytes) this.pollInstead();
    else if (!this.backingOff) this.wakeUp?.();
  }

  /**
   * Committed rows were not handed over (a transaction wrote more than maxHandedBytes, or the handed rows grew
   * past it): drop the handed rows too and poll the table, so everything leaves oldest first.
   */
  pollInstead(): void {
    this.dropHanded();
    this.pollRequested = true;
    if (!this.backingOff) this.wakeUp?.();
  }

  /** Rows handed but not yet published; the table still holds them, so a poll publishes them instead. */
  private dropHanded(): void {
    this.handed = [];
    this.handedBytes = 0;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /**
   * Publishes the oldest handed rows (one byte-capped batch) that are still in the table. A failure rolls the
   * delete back: the rows stay in the table for the poll.
   */
  private async publishHanded(): Promise<void> {
    const batch = takeWithinBytes(
      this.handed.slice(0, this.options.batchSize ?? 500),
      this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
      (row) => row.bytes,
    );
    this.handed.splice(0, batch.length);
    for (const row of batch) this.handedBytes -= row.bytes;
    const window = await this.openWindow();
    const deleted = returnedRows<{ seq: string }>(
      await window.runner.query(`DELETE FROM outbox WHERE seq = ANY($1::bigint[]) RETURNING seq`, [
        batch.map((r) => r.seq),
      ]),
    );
    const live = new Set(deleted.map((r) => String(r.seq)));
    const rows = batch.filter((r) => live.has(r.seq));
    if (rows.length > 0) await this.send(rows);
    window.rows += rows.length;
    for (const row of rows) window.seqs.push(row.seq);
    for (const row of rows) this.options.published?.inc({ topic: row.topic });
    if (rows.length > 0) this.options.batches?.inc({ path: 'handed' });
    if (this.windowDue(Date.now())) await this.commitWindow();
  }

  private get deleteWindowMs(): number {
    return this.options.deleteWindowMs ?? DEFAULT_DELETE_WINDOW_MS;
  }

  private async openWindow(): Promise<{ runner: QueryRunner; since: number; rows: number; seqs: string[] }> {
    if (this.window) return this.window;
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
    } catch (e) {
      await runner.release().catch(() => undefined);
      throw e;
    }
    this.window = { runner, since: Date.now(), rows: 0, seqs: [] };
    return this.window;
  }

  /** The open window has run its time (or holds its most rows): commit it now. */
  private windowDue(now: number): boolean {
    const w = this.window;
    if (!w) return false;
    return (
      now - w.since >= this.deleteWindowMs ||
      w.rows >= (this.options.deleteWindowMaxRows ?? DEFAULT_DELETE_WINDOW_MAX_ROWS)
    );
  }

  /** Commits the deletes of the rows published in the open window (they leave the table). */
  private async commitWindow(): Promise<void> {
    const w = this.window;
    if (!w) return;
    this.window = null;
    try {
      await w.runner.commitTransaction();
    } catch (e) {
      // Not committed: the rows stay in the table and the poll publishes them again (at-least-once).
      if (w.runner.isTransactionActive) await w.runner.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      await w.runner.release().catch(() => undefined);
    }
  }

  /** After a failure: the window's deletes roll back, so its rows are polled (and sent) again. */
  private async abandonWindow(): Promise<void> {
    const w = this.window;
    if (!w) return;
    this.window = null;
    if (w.runner.isTransactionActive) await w.runner.rollbackTransaction().catch(() => undefined);
    await w.runner.release().catch(() => undefined);
  }

  /** Polls one batch from the table; returns how many rows it took off the outbox. Exposed for tests and tools. */
  async publishBatch(): Promise<number> {
    return (await this.publishOnce()).taken;
  }

  /**
   * One polled batch. `more` says rows were left behind (the batch was full, by count or by bytes), so the relay
   * polls again at once. An empty outbox, what most polls find, costs one statement, not a transaction of three.
   * Rows handed to this relay and not yet published are left to the handed path.
   */
  private async publishOnce(): Promise<{ taken: number; more: boolean }> {
    // Rows this relay holds: handed and not yet published, or published and deleted in the open window (still
    // visible to others until it commits, and locked).
    const handed = [...this.handed.map((r) => r.seq), ...(this.window?.seqs ?? [])];
    const notHanded = (param: number) =>
      handed.length > 0 ? `WHERE NOT (seq = ANY($${param}::bigint[]))` : '';
    const batchSize = this.options.batchSize ?? 500;
    // Through the primary key, not `EXISTS (SELECT 1 FROM outbox)`: the outbox is a queue, so between two
    // vacuums its heap is mostly dead rows, which a sequential scan reads page by page on every check, while
    // the index skips the entries it has already marked dead (~10× fewer buffers on a busy relay).
    const head: unknown[] = await this.dataSource.query(
      `SELECT seq FROM outbox ${notHanded(1)} ORDER BY seq LIMIT 1`,
      handed.length > 0 ? [handed] : [],
    );
    if (head.length === 0) return { taken: 0, more: false };
    return this.dataSource.transaction(async (manager) => {
      const locked: OutboxRow[] = await manager.query(
        `SELECT seq, topic, key, payload, headers FROM outbox ${notHanded(2)}
          ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        handed.length > 0 ? [batchSize, handed] : [batchSize],
      );
      const rows = takeWithinBytes(locked, this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES);
      if (rows.length === 0) return { taken: 0, more: false };
      let failed: { row: OutboxRow; error: string }[] = [];
      try {
        await this.send(rows);
      } catch (e) {
        if (!isPermanentProduceError(e)) throw e;
        // The broker refuses something in this batch for good (e.g. a message over its size limit): send the
        // rows one by one and park the ones it refuses, so one bad row never blocks the outbox.
        failed = await this.sendOneByOne(rows);
      }
      const seqs = rows.map((r) => r.seq);
      if (failed.length > 0) {
        for (const { row, error } of failed) {
          await manager.query(
            `INSERT INTO outbox_failed (seq, id, topic, key, payload, headers, error)
             SELECT seq, id, topic, key, payload, headers, $2 FROM outbox WHERE seq = $1`,
            [row.seq, error],
          );
          this.logger.error(
            { topic: row.topic, seq: row.seq, err: error },
            'outbox relay: row refused, parked',
          );
          this.options.failed?.inc({ topic: row.topic });
        }
      }
      await manager.query(`DELETE FROM outbox WHERE seq = ANY($1::bigint[])`, [seqs]);
      const failedSeqs = new Set(failed.map((f) => f.row.seq));
      for (const row of rows) if (!failedSeqs.has(row.seq)) this.options.published?.inc({ topic: row.topic });
      this.options.batches?.inc({ path: 'polled' });
      return { taken: rows.length, more: locked.length === batchSize || rows.length < locked.length };
    });
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic.entries()].map(([topic, list]) => ({
        topic: `${this.options.topicPrefix}${topic}`,
        messages: list.map((r) => ({ key: r.key, value: r.payload, headers: r.headers })),
      })),
    });
  }

  private async sendOneByOne(rows: OutboxRow[]): Promise<{ row: OutboxRow; error: string }[]> {
    const failed: { row: OutboxRow; error: string }[] = [];
    for (const row of rows) {
      try {
        await this.send([row]);
      } catch (e) {
        if (!isPermanentProduceError(e)) throw e;
        failed.push({ row, error: e instanceof Error ? e.message : String(e) });
      }
    }
    return failed;
  }

  private async run(): Promise<void> {
    const base = this.options.pollIntervalMs ?? 100;
    const idleMax = Math.max(base, this.options.idlePollMaxMs ?? 2000);
    let pollDelay = base;
    let nextPollAt = 0; // at once: rows a previous process left behind
    let failures = 0;
    while (this.running) {
      const poll = this.pollRequested || Date.now() >= nextPollAt;
      this.pollRequested = false;
      try {
        if (this.windowDue(Date.now())) await this.commitWindow();
        if (poll) {
          const polled = await this.publishOnce();
          // A full batch left rows behind: poll again at once.
          if (polled.more) this.pollRequested = true;
          pollDelay = polled.taken > 0 ? base : Math.min(idleMax, pollDelay * 2);
          nextPollAt = Date.now() + pollDelay;
        } else if (this.handed.length > 0) {
          await this.publishHanded();
        }
        failures = 0;
      } catch (e) {
        failures++;
        this.logger.error({ err: e, failures }, 'outbox relay: publish failed; will retry');
        // The failed rows are still in the table, and handed rows behind them must not overtake them: poll.
        await this.abandonWindow();
        this.dropHanded();
        this.pollRequested = true;
      }
      if (!failures && (this.pollRequested || this.handed.length > 0)) continue;
      // An open window is committed when its time is up, even with nothing more handed.
      const windowEnd = this.window ? this.window.since + this.deleteWindowMs : Number.POSITIVE_INFINITY;
      const delay = failures
        ? Math.min(5000, 200 * 2 ** failures)
        : Math.max(0, Math.min(nextPollAt, windowEnd) - Date.now());
      this.backingOff = failures > 0;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
      this.backingOff = false;
    }
    // Stopping: what was published leaves the table now (else the next relay would send it again).
    await this.commitWindow().catch((e: unknown) =>
      this.logger.error(
        { err: e },
        'outbox relay: committing the last deletes failed; those rows are sent again',
      ),
    );
  }
}
