import type { Producer } from 'kafkajs';
import type { Counter } from 'prom-client';
import type { DataSource } from 'typeorm';

import type { MessagingLogger } from './logger';

export interface OutboxRelayOptions {
  topicPrefix: string;
  /** How soon a relay looks again after a batch that left nothing behind (default 100 ms). */
  pollIntervalMs?: number;
  /**
   * While polls find nothing, the wait doubles up to this (default 2,000 ms). Rows committed by this process
   * wake it at once (wakeRelayOnCommit), so the slow poll only covers rows of other processes' crashed relays.
   */
  idlePollMaxMs?: number;
  /** Rows published per Kafka batch and transaction. */
  batchSize?: number;
  published?: Counter<'topic'>;
  failed?: Counter<'topic'>;
  /** Bytes per produce request; Kafka refuses a record batch over `message.max.bytes` (1 MiB by default). */
  maxBatchBytes?: number;
}

const DEFAULT_MAX_BATCH_BYTES = 512 * 1024;

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

function rowBytes(r: OutboxRow): number {
  return Buffer.byteLength(r.payload) + Buffer.byteLength(r.key) + JSON.stringify(r.headers).length + 64;
}

/** The oldest rows whose total size stays within `maxBytes` (always at least one). */
export function takeWithinBytes<R extends OutboxRow>(rows: R[], maxBytes: number): R[] {
  let total = 0;
  let n = 0;
  for (const row of rows) {
    total += rowBytes(row);
    if (n > 0 && total > maxBytes) break;
    n++;
  }
  return rows.slice(0, n);
}

export interface OutboxRow {
  seq: string;
  topic: string;
  key: string;
  payload: string;
  headers: Record<string, string>;
}

/**
 * Publishes committed outbox rows to Kafka, oldest first, and deletes them once the broker has acknowledged
 * them (acks=all). A crash between the broker's ack and the delete re-sends the batch: delivery is
 * at-least-once and consumers are idempotent by event id. Rows of rolled-back transactions never exist.
 * Several relays may run (one per service instance): `FOR UPDATE SKIP LOCKED` hands each a distinct batch.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;

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

  /** Asks an idle relay to look now (e.g. right after a commit) instead of waiting for the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Publishes one batch; returns how many rows it took off the outbox. Exposed for tests and tools. */
  async publishBatch(): Promise<number> {
    return (await this.publishOnce()).taken;
  }

  /**
   * One batch. `more` says rows were left behind (the batch was full, by count or by bytes), so the relay goes
   * again at once instead of waiting for a poll or a wake-up. An empty outbox costs one statement, not a
   * transaction of three: the relay is woken after every commit that wrote rows, and many of those wake-ups
   * find the rows already taken by the pass before.
   */
  private async publishOnce(): Promise<{ taken: number; more: boolean }> {
    const batchSize = this.options.batchSize ?? 500;
    // Through the primary key, not `EXISTS (SELECT 1 FROM outbox)`: the outbox is a queue, so between two
    // vacuums its heap is mostly dead rows, which a sequential scan reads page by page on every check, while
    // the index skips the entries it has already marked dead (~10× fewer buffers on a busy relay).
    const head: unknown[] = await this.dataSource.query(`SELECT seq FROM outbox ORDER BY seq LIMIT 1`);
    if (head.length === 0) return { taken: 0, more: false };
    return this.dataSource.transaction(async (manager) => {
      const locked: OutboxRow[] = await manager.query(
        `SELECT seq, topic, key, payload, headers FROM outbox ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
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
    let idleDelay = base;
    let failures = 0;
    while (this.running) {
      this.woken = false;
      let published = 0;
      let more = false;
      try {
        ({ taken: published, more } = await this.publishOnce());
        failures = 0;
      } catch (e) {
        failures++;
        this.logger.error({ err: e, failures }, 'outbox relay: publish failed; will retry');
      }
      if (more) {
        idleDelay = base;
        continue;
      }
      let delay: number;
      if (failures) delay = Math.min(5000, 200 * 2 ** failures);
      else if (published > 0) delay = idleDelay = base;
      else {
        delay = idleDelay;
        idleDelay = Math.min(idleMax, idleDelay * 2);
      }
      // A wake during the poll may stand for rows the poll did not see yet: look again at once.
      if (this.woken && !failures) {
        idleDelay = base;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => {
          clearTimeout(timer);
          idleDelay = base;
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }
}
