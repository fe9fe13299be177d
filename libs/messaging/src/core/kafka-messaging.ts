import { dlqTopicOf } from '@practice-sync/contracts';
import { counter } from '@practice-sync/observability';
import type { Admin, Consumer, EachMessagePayload, Producer } from 'kafkajs';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

import { decodeMessage, encodeEvent } from './encoding';
import type { MessagingLogger } from './logger';
import { silentLogger } from './logger';
import type { OutboxRelayOptions } from './outbox-relay';
import { OutboxRelay } from './outbox-relay';
import type { ConsumerSpec, EventPublisher, MessagingConfig, OutgoingEvent, RunningConsumer } from './types';

export interface KafkaMessagingDeps {
  dataSource: DataSource;
  logger?: MessagingLogger;
  registry?: Registry;
}

/**
 * The messaging core over kafkajs: topic creation, an idempotent producer, validating and idempotent consumers
 * with bounded retries and a dead-letter topic, and the outbox relay. Services depend on this class and the
 * types in `types.ts`, never on kafkajs, so another client can replace it.
 */
export class KafkaMessaging {
  readonly publisher: EventPublisher;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly logger: MessagingLogger;
  private readonly consumers: Consumer[] = [];
  private relay: OutboxRelay | null = null;
  private readonly consumed;
  private readonly published;
  private readonly outboxFailed;

  constructor(
    readonly config: MessagingConfig,
    private readonly deps: KafkaMessagingDeps,
  ) {
    this.logger = deps.logger ?? silentLogger;
    this.kafka = new Kafka({
      clientId: config.clientId,
      brokers: config.brokers,
      logLevel: logLevel.WARN,
      retry: { retries: 8, initialRetryTime: 200 },
      logCreator: () => (entry) => {
        if (entry.level <= logLevel.WARN)
          this.logger.warn({ kafka: entry.log }, `kafkajs: ${entry.log.message}`);
      },
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
    const registry = deps.registry;
    this.consumed = registry
      ? counter(registry, 'messaging_consumed_total', 'Messages consumed, by result', [
          'topic',
          'group',
          'result',
        ])
      : undefined;
    this.published = registry
      ? counter(registry, 'messaging_published_total', 'Messages published to Kafka', ['topic'])
      : undefined;
    this.outboxFailed = registry
      ? counter(registry, 'messaging_outbox_failed_total', 'Outbox rows the broker refused for good', [
          'topic',
        ])
      : undefined;
    this.publisher = { publish: (events) => this.publish(events) };
  }

  /** The topic name on the broker (with this deployment's prefix). */
  topic(name: string): string {
    return `${this.config.topicPrefix}${name}`;
  }

  /** Connects, creates the topics (and their `.dlq` twins) that are missing, and connects the producer. */
  async start(topics: readonly string[]): Promise<void> {
    await this.admin.connect();
    await this.ensureTopics(topics);
    await this.producer.connect();
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    const wanted = [...new Set(topics.flatMap((t) => [this.topic(t), dlqTopicOf(this.topic(t))]))];
    const existing = new Set(await this.admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      // Several services start at once and create the same topics: "already exists" is fine, and the leaders
      // are awaited below with our own retries (kafkajs' waitForLeaders throws on a topic still propagating).
      await this.admin
        .createTopics({
          waitForLeaders: false,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: this.config.partitions,
            replicationFactor: -1,
          })),
        })
        .catch((e: unknown) => {
          if (!String((e as Error).message).includes('already exists')) throw e;
        });
    }
    await this.waitForLeaders(wanted);
  }

  /** A topic another process has just created may not have partition leaders yet; wait until it has. */
  private async waitForLeaders(topics: string[], timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics: meta } = await this.admin.fetchTopicMetadata({ topics });
        const ready = meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
        if (ready) return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
      if (Date.now() > deadline) throw new Error(`topics without partition leaders: ${topics.join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Reachability for readiness: a real metadata request to the cluster. */
  async ping(): Promise<void> {
    await this.admin.describeCluster();
  }

  /** Starts publishing committed outbox rows of this service's schema. */
  startOutboxRelay(
    options: Omit<OutboxRelayOptions, 'topicPrefix' | 'published' | 'failed'> = {},
  ): OutboxRelay {
    if (!this.relay) {
      this.relay = new OutboxRelay(this.deps.dataSource, this.producer, this.logger, {
        ...options,
        topicPrefix: this.config.topicPrefix,
        published: this.published,
        failed: this.outboxFailed,
      });
      this.relay.start();
    }
    return this.relay;
  }

  /** Wakes the outbox relay after a commit so the events leave without waiting for the next poll. */
  flushOutbox(): void {
    this.relay?.wake();
  }

  async consume(spec: ConsumerSpec): Promise<RunningConsumer> {
    const groupId = `${this.config.topicPrefix}${spec.groupId}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 30000 });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({
      topics: spec.topics.map((t) => this.topic(t)),
      fromBeginning: spec.fromBeginning ?? true,
    });
    await consumer.run({
      partitionsConsumedConcurrently: spec.concurrency ?? 1,
      eachMessage: (payload) => this.handleMessage(spec, groupId, payload),
    });
    return {
      stop: async () => {
        await consumer.disconnect();
        this.consumers.splice(this.consumers.indexOf(consumer), 1);
      },
    };
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    this.relay = null;
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    this.consumers.length = 0;
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private async publish(events: OutgoingEvent[]): Promise<void> {
    const encoded = events.map(encodeEvent);
    const byTopic = new Map<string, typeof encoded>();
    for (const m of encoded) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic.entries()].map(([topic, list]) => ({
        topic: this.topic(topic),
        messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      })),
    });
    for (const [topic, list] of byTopic) this.published?.inc({ topic }, list.length);
  }

  private async handleMessage(
    spec: ConsumerSpec,
    groupId: string,
    payload: EachMessagePayload,
  ): Promise<void> {
    const { topic, partition, message, heartbeat } = payload;
    const decoded = decodeMessage(message.value, spec.contracts);
    if (!decoded.ok) {
      await this.toDlq(payload, groupId, decoded.reason, decoded.error, 0);
      return;
    }
    const envelope = decoded.envelope;
    const maxAttempts = spec.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      // Hooks of a try that rolls back are dropped with it; the next try registers its own.
      const afterCommit: (() => void)[] = [];
      try {
        const applied = await this.deps.dataSource.transaction(async (manager) => {
          const inserted: unknown[] = await manager.query(
            `INSERT INTO inbox (consumer_group, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
            [spec.groupId, envelope.id],
          );
          if (inserted.length === 0) return false;
          await spec.handle(envelope, {
            manager,
            topic,
            partition,
            offset: message.offset,
            attempt,
            afterCommit: (fn) => void afterCommit.push(fn),
          });
          return true;
        });
        this.consumed?.inc({ topic, group: groupId, result: applied ? 'handled' : 'duplicate' });
        if (applied) {
          this.runAfterCommit(afterCommit, {
            topic,
            partition,
            offset: message.offset,
            eventId: envelope.id,
          });
          this.flushOutbox();
        }
        return;
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        this.logger.warn(
          {
            topic,
            partition,
            offset: message.offset,
            eventId: envelope.id,
            type: envelope.type,
            attempt,
            err: error,
          },
          'handler failed',
        );
        if (attempt >= maxAttempts) {
          await this.toDlq(payload, groupId, 'handler_failed', error, attempt);
          return;
        }
        await new Promise((r) =>
          setTimeout(r, Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2)),
        );
        await heartbeat();
      }
    }
  }

  /** The event's effects are committed: a failing hook must not make it look unhandled (it would not re-run). */
  private runAfterCommit(hooks: readonly (() => void)[], where: Record<string, unknown>): void {
    for (const hook of hooks) {
      try {
        hook();
      } catch (e) {
        this.logger.warn(
          { ...where, err: e instanceof Error ? e.message : String(e) },
          'after-commit hook failed',
        );
      }
    }
  }

  private async toDlq(
    { topic, partition, message }: EachMessagePayload,
    groupId: string,
    reason: string,
    error: string,
    attempts: number,
  ): Promise<void> {
    await this.producer.send({
      topic: dlqTopicOf(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'x-dlq-reason': reason,
            'x-dlq-error': error.slice(0, 1000),
            'x-dlq-source-topic': topic,
            'x-dlq-source-partition': String(partition),
            'x-dlq-source-offset': message.offset,
            'x-dlq-consumer-group': groupId,
            'x-dlq-attempts': String(attempts),
          },
        },
      ],
    });
    this.consumed?.inc({ topic, group: groupId, result: 'dlq' });
    this.logger.error(
      { topic, partition, offset: message.offset, reason, err: error },
      'message sent to DLQ',
    );
  }
}
