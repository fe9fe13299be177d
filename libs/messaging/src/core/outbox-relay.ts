import type { Producer } from 'kafkajs';
import type { Counter } from 'prom-client';
import type { DataSource } from 'typeorm';

import type { MessagingLogger } from './logger';

export interface OutboxRelayOptions {
  topicPrefix: string;
  /** How often an idle relay looks for new rows. */
  pollIntervalMs?: number;
  /** Rows published per Kafka batch and transaction. */
  batchSize?: number;
  published?: Counter<'topic'>;
}

interface OutboxRow {
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
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Publishes one batch; returns how many rows it published. Exposed for tests and tools. */
  async publishBatch(): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT seq, topic, key, payload, headers FROM outbox ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, OutboxRow[]>();
      for (const row of rows) {
        const list = byTopic.get(row.topic) ?? [];
        list.push(row);
        byTopic.set(row.topic, list);
      }
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic.entries()].map(([topic, list]) => ({
          topic: `${this.options.topicPrefix}${topic}`,
          messages: list.map((r) => ({ key: r.key, value: r.payload, headers: r.headers })),
        })),
      });
      await manager.query(`DELETE FROM outbox WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      for (const [topic, list] of byTopic) this.options.published?.inc({ topic }, list.length);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    let failures = 0;
    while (this.running) {
      let published = 0;
      try {
        published = await this.publishBatch();
        failures = 0;
      } catch (e) {
        failures++;
        this.logger.error({ err: e, failures }, 'outbox relay: publish failed; will retry');
      }
      if (published < batchSize) {
        const delay = failures ? Math.min(5000, 200 * 2 ** failures) : (this.options.pollIntervalMs ?? 100);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = null;
      }
    }
  }
}
