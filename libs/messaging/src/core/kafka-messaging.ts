import { dlqTopicOf } from '@practice-sync/contracts';
import { counter, histogram } from '@practice-sync/observability';
import type { Admin, Consumer, Producer, RequestEvent } from 'kafkajs';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

import { encodeEvent } from './encoding';
import {
  deadMembers,
  DeadMemberSweep,
  evictMembers,
  livenessIdOfMember,
  memberClientId,
} from './group-eviction';
import { InboxConsumer } from './inbox-consumer';
import { applyKafkajsIdleFix } from './kafkajs-idle-fix';
import type { MessagingLogger } from './logger';
import { silentLogger } from './logger';
import { registerMessagingGauges } from './messaging-gauges';
import { OffsetCommitter } from './offset-committer';
import { handOffOnCommit } from './outbox';
import type { OutboxRelayOptions } from './outbox-relay';
import { OutboxRelay } from './outbox-relay';
import { LIVE_PROCESS_IDS_SQL, ProcessLiveness } from './process-liveness';
import type { ConsumerSpec, EventPublisher, MessagingConfig, OutgoingEvent, RunningConsumer } from './types';

export interface KafkaMessagingDeps {
  dataSource: DataSource;
  logger?: MessagingLogger;
  registry?: Registry;
}

/**
 * A consumer group this process runs: the spec, and the current kafkajs consumer (replaced when it crashed for
 * good and is started again), with the committer of its offsets when it batches.
 */
interface RunningGroup {
  groupId: string;
  spec: ConsumerSpec;
  consumer: Consumer | null;
  committer: OffsetCommitter | null;
  inbox: InboxConsumer | null;
  /** Why the group is not consuming now (crashed, restarting), or null while it is. */
  down: string | null;
  stopped: boolean;
  restartTimer: NodeJS.Timeout | null;
  restarts: number;
}

/** How often a batched consumer group commits its offsets unless `MessagingConfig.commitIntervalMs` says. */
const DEFAULT_COMMIT_INTERVAL_MS = 1000;

/**
 * Consumer group session settings. A member that dies without leaving keeps its partitions until its session
 * times out; a restarted process no longer waits for that (it evicts its dead predecessor, `consume()`), so the
 * session only bounds how long a replica that died (or was cut off) holds partitions another replica could take.
 * 15 s rather than kafkajs' 30 s: kafkajs heartbeats between fetches, and an idle fetch waits up to 5 s
 * (`maxWaitTimeInMs`), so 15 s leaves two missed idle heartbeats (or a CPU-starved pause) before a live member is
 * dropped; a handler group is bounded by `batchMaxMs` (250 ms) and heartbeats after each. Within the broker's
 * `group.min.session.timeout.ms` (6 s) and `group.max.session.timeout.ms` (30 min) defaults.
 */
export const CONSUMER_SESSION_TIMEOUT_MS = 15_000;
/** A third of the session, as kafkajs recommends (it sends one at most this often, between fetches). */
export const CONSUMER_HEARTBEAT_INTERVAL_MS = 3000;

/**
 * How often each consumer group this process runs is swept for members of dead processes, unless
 * `MessagingConfig.deadMemberSweepMs` says (`KAFKA_DEAD_MEMBER_SWEEP_MS`). Without the sweep a replica that dies
 * while its peers run keeps its partitions until its session expires (CONSUMER_SESSION_TIMEOUT_MS, 15 s) and the
 * work on them waits; with it the partitions move within about this interval of the death. 5 s: one DescribeGroups
 * request and one small query per group and sweep (a service runs 1–3 groups), next to the ~0.3 Fetch requests per
 * second an idle consumer already makes, for a wait three times shorter than the session.
 */
export const DEFAULT_DEAD_MEMBER_SWEEP_MS = 5000;

/**
 * A crashed consumer is started again after this, doubling to CONSUMER_RESTART_MAX_MS: 5 s at most, so a consumer
 * is back within about 5 s of its broker (a restart attempt while the broker is down costs a few refused connects).
 */
const CONSUMER_RESTART_MS = 500;
const CONSUMER_RESTART_MAX_MS = 5000;
/** Restarts (≈ 7.5 s of them) that join only once the crashed member is evicted; later ones join regardless. */
const RESTARTS_WAITING_FOR_EVICTION = 4;

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
  private readonly consumers: RunningGroup[] = [];
  /** Consumer groups this process runs and their topics (as on the broker), for the lag and DLQ gauges. */
  private readonly groups = new Map<string, readonly string[]>();
  private relay: OutboxRelay | null = null;
  /** This process's identity while alive (a PostgreSQL session); its consumers' client ids carry it. */
  readonly liveness: ProcessLiveness;
  private consumerKafka: Kafka | null = null;
  /**
   * Every `deadMemberSweepMs`, the members of dead processes are evicted from each group this process runs, so a
   * replica that died while this one runs gives its partitions up within the interval instead of its session.
   */
  private readonly sweep: DeadMemberSweep;
  private stopHandOff: (() => void) | null = null;
  private readonly consumed;
  private readonly published;
  private readonly outboxFailed;
  private readonly relayBatches;
  private readonly batchSizes;
  private readonly kafkaRequests;

  constructor(
    readonly config: MessagingConfig,
    private readonly deps: KafkaMessagingDeps,
  ) {
    this.logger = deps.logger ?? silentLogger;
    // kafkajs 2.2.4 spins a timer in every idle broker connection; see kafkajs-idle-fix.ts.
    applyKafkajsIdleFix();
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
    this.liveness = new ProcessLiveness(deps.dataSource, { logger: this.logger });
    this.sweep = new DeadMemberSweep(
      config.deadMemberSweepMs ?? DEFAULT_DEAD_MEMBER_SWEEP_MS,
      () => this.consumers.filter((g) => !g.stopped).map((g) => g.groupId),
      async (groupId) => this.evictDeadMembers(await this.consumersKafka(), groupId, { quiet: true }),
    );
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
    this.relayBatches = registry
      ? counter(
          registry,
          'messaging_outbox_relay_batches_total',
          'Outbox batches published, by path: handed to the relay at commit, or polled from the table',
          ['path'],
        )
      : undefined;
    this.outboxFailed = registry
      ? counter(registry, 'messaging_outbox_failed_total', 'Outbox rows the broker refused for good', [
          'topic',
        ])
      : undefined;
    this.batchSizes = registry
      ? histogram(
          registry,
          'messaging_batch_size',
          "Messages applied per consumer group of messages (one partition's, in a transaction or, with concurrency > 1, in one shared by the partitions)",
          ['group'],
          [1, 2, 5, 10, 20, 50, 100, 200, 500],
        )
      : undefined;
    // Every request to a broker, by client and API (Fetch, Produce, OffsetCommit, Heartbeat…): what each
    // service asks of Kafka per unit of work, which the broker's CPU follows.
    this.kafkaRequests = registry
      ? counter(
          registry,
          'messaging_kafka_requests_total',
          'Requests sent to Kafka brokers, by client and API',
          ['client', 'api'],
        )
      : undefined;
    this.producer.on(this.producer.events.REQUEST, this.requestCounter('producer'));
    this.admin.on(this.admin.events.REQUEST, this.requestCounter('admin'));
    this.publisher = { publish: (events) => this.publish(events) };
    if (registry) {
      registerMessagingGauges(registry, {
        admin: this.admin,
        groups: () => this.groups,
        outbox: () => (this.relay ? (sql) => this.deps.dataSource.query(sql) : null),
        onError: (err) => this.logger.warn({ err }, 'messaging gauges: a source did not answer this scrape'),
      });
    }
  }

  private requestCounter(client: string): (event: RequestEvent) => void {
    return ({ payload }) => this.kafkaRequests?.inc({ client, api: payload.apiName });
  }

  /** The topic name on the broker (with this deployment's prefix). */
  topic(name: string): string {
    return `${this.config.topicPrefix}${name}`;
  }

  /** Connects, creates the topics (and their `.dlq` twins) that are missing, and connects the producer. */
  async start(topics: readonly string[]): Promise<void> {
    await this.consumersKafka();
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
    options: Omit<OutboxRelayOptions, 'topicPrefix' | 'published' | 'failed' | 'batches'> = {},
  ): OutboxRelay {
    if (!this.relay) {
      this.relay = new OutboxRelay(this.deps.dataSource, this.producer, this.logger, {
        ...options,
        topicPrefix: this.config.topicPrefix,
        published: this.published,
        failed: this.outboxFailed,
        batches: this.relayBatches,
      });
      this.relay.start();
      this.stopHandOff = handOffOnCommit(this.deps.dataSource, this.relay);
    }
    return this.relay;
  }

  /**
   * The client consumers join with: its client id names this process's liveness identity, so that the next
   * incarnation (or a replica) can tell this process's members from live ones once it dies.
   */
  private async consumersKafka(): Promise<Kafka> {
    if (!this.consumerKafka) {
      const id = this.liveness.id ?? (await this.liveness.start());
      this.consumerKafka = new Kafka({
        clientId: memberClientId(this.config.clientId, id),
        brokers: this.config.brokers,
        logLevel: logLevel.WARN,
        retry: { retries: 8, initialRetryTime: 200 },
        logCreator: () => (entry) => {
          if (entry.level <= logLevel.WARN)
            this.logger.warn({ kafka: entry.log }, `kafkajs: ${entry.log.message}`);
        },
      });
    }
    return this.consumerKafka;
  }

  /**
   * Members of the group whose process is dead (a killed predecessor of this one, a replica that died): removed
   * now, so joining does not wait for their sessions to time out (the broker waits for every known member to
   * rejoin before it completes a rebalance). Best effort: on failure their sessions still expire. At join, and
   * every `deadMemberSweepMs` while the group runs (a replica that dies while others run). A live process whose
   * liveness session was re-opened keeps its identity (ProcessLiveness), so it is never taken for dead; one whose
   * session is down at that moment (the database restarting) may be evicted once: kafkajs rejoins at once on
   * UNKNOWN_MEMBER_ID.
   */
  private async evictDeadMembers(
    kafka: Kafka,
    groupId: string,
    opts: { quiet?: boolean; ownToo?: boolean; required?: boolean } = {},
  ): Promise<void> {
    try {
      const { groups } = await this.admin.describeGroups([groupId]);
      const members = groups[0]?.members ?? [];
      if (!members.length) return;
      const rows: { id: string }[] = await this.deps.dataSource.query(LIVE_PROCESS_IDS_SQL);
      const live = new Set(rows.map((r) => r.id));
      // The identity for good, not the session's: while this process's own session is being re-opened (the
      // database just restarted) `id` is null, and its own members would look dead and be evicted (a rebalance).
      const self = this.liveness.processId ?? '';
      const dead = deadMembers(members, live, self);
      // A consumer of this process started again after a crash: its previous member (the broker never saw it
      // leave) would hold the rebalance for a whole session; this process runs the group once, so it is stale.
      if (opts.ownToo) dead.push(...members.filter((m) => livenessIdOfMember(m.clientId) === self));
      const evicted = await evictMembers(
        kafka,
        groupId,
        dead.map((m) => m.memberId),
      );
      if (evicted.length)
        this.logger.info(
          { group: groupId, members: evicted.length },
          'evicted the group members of dead processes',
        );
    } catch (error) {
      // A restart joins only once its stale member is gone (a broker just back may still be loading the group):
      // joining beside it would wait out its whole session; failing here retries the restart within 5 s.
      if (opts.required) throw error;
      // A sweep fails on every tick while Kafka or PostgreSQL is down: readiness says so, not a warning per tick.
      if (!opts.quiet)
        this.logger.warn(
          { err: error, group: groupId },
          'could not evict dead group members; their sessions will expire',
        );
    }
  }

  async consume(spec: ConsumerSpec): Promise<RunningConsumer> {
    const groupId = `${this.config.topicPrefix}${spec.groupId}`;
    const group: RunningGroup = {
      groupId,
      spec,
      consumer: null,
      committer: null,
      inbox: null,
      down: 'starting',
      stopped: false,
      restartTimer: null,
      restarts: 0,
    };
    this.consumers.push(group);
    this.groups.set(
      groupId,
      spec.topics.map((t) => this.topic(t)),
    );
    try {
      await this.startGroup(group);
    } catch (error) {
      await this.stopGroup(group);
      throw error;
    }
    this.sweep.start();
    return { stop: () => this.stopGroup(group) };
  }

  /** Joins the group with a new kafkajs consumer and runs it (at `consume()` and after a crash kafkajs gave up on). */
  private async startGroup(group: RunningGroup, restart = false): Promise<void> {
    const { groupId, spec } = group;
    const kafka = await this.consumersKafka();
    // The first few restarts wait for the eviction; later ones join anyway (say DescribeGroups is not allowed), so a
    // consumer never stays down for want of it: at worst it waits out its old member's session.
    const required = restart && group.restarts <= RESTARTS_WAITING_FOR_EVICTION;
    await this.evictDeadMembers(kafka, groupId, { ownToo: restart, required });
    const inbox = new InboxConsumer(spec, groupId, {
      dataSource: this.deps.dataSource,
      producer: this.producer,
      logger: this.logger,
      consumed: this.consumed,
      batchSizes: this.batchSizes,
    });
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: CONSUMER_SESSION_TIMEOUT_MS,
      heartbeatInterval: CONSUMER_HEARTBEAT_INTERVAL_MS,
      // Every crash is restarted here (restartGroup), not by kafkajs: its restart rejoins as a new member while
      // the old one waits out its session in the group, and it gives up for good on a non-retriable error.
      retry: { retries: 8, initialRetryTime: 200, restartOnFailure: async () => false },
    });
    // Batched groups commit their offsets every commitIntervalMs (offset-committer.ts); 0, or one message per
    // transaction, keeps kafkajs' commit after every batch.
    const intervalMs = this.config.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS;
    const committer =
      inbox.batchSize > 1 && intervalMs > 0
        ? new OffsetCommitter(intervalMs, (error) =>
            this.logger.warn(
              { err: error, group: groupId },
              'committing consumer offsets failed; will retry',
            ),
          )
        : null;
    Object.assign(group, { consumer, committer, inbox });
    consumer.on(consumer.events.REQUEST, this.requestCounter(groupId));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      group.down = null;
      group.restarts = 0;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (group.stopped || group.consumer !== consumer) return;
      group.down = `crashed: ${payload.error.message}`;
      this.restartGroup(group, payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: spec.topics.map((t) => this.topic(t)),
      fromBeginning: spec.fromBeginning ?? true,
    });
    await consumer.run({
      partitionsConsumedConcurrently: spec.concurrency ?? 1,
      ...(inbox.batchSize === 1
        ? { eachMessage: (payload) => inbox.eachMessage(payload) }
        : {
            autoCommit: committer === null,
            eachBatchAutoResolve: false,
            eachBatch: (payload) => {
              committer?.track(payload);
              return inbox.eachBatch(payload);
            },
          }),
    });
  }

  /**
   * A new consumer for a group whose consumer crashed (the broker went away, a non-retriable error), after a
   * back-off, again until one runs; it evicts its crashed predecessor's member first.
   */
  private restartGroup(group: RunningGroup, error: unknown): void {
    if (group.stopped || group.restartTimer) return;
    const delay = Math.min(CONSUMER_RESTART_MAX_MS, CONSUMER_RESTART_MS * 2 ** group.restarts++);
    if (group.restarts === 1)
      this.logger.warn(
        { err: error, group: group.groupId, inMs: delay },
        'the consumer crashed; starting it again (until it runs)',
      );
    group.restartTimer = setTimeout(() => {
      group.restartTimer = null;
      void (async () => {
        await this.stopConsumer(group).catch(() => undefined);
        if (group.stopped) return;
        await this.startGroup(group, true);
      })().catch((e: unknown) => {
        group.down = `restart failed: ${(e as Error).message}`;
        this.restartGroup(group, e);
      });
    }, delay);
    group.restartTimer.unref();
  }

  /**
   * Readiness of the consumers: rejects naming each group that is not consuming now (crashed and waiting for its
   * restart, or still joining after one). A healthy process answers at once.
   */
  async checkConsumers(): Promise<void> {
    const down = this.consumers.filter((g) => g.down !== null && g.down !== 'starting');
    if (down.length) throw new Error(down.map((g) => `${g.groupId} ${g.down}`).join('; '));
  }

  private async stopGroup(group: RunningGroup): Promise<void> {
    group.stopped = true;
    if (group.restartTimer) clearTimeout(group.restartTimer);
    group.restartTimer = null;
    await this.stopConsumer(group);
    const at = this.consumers.indexOf(group);
    if (at >= 0) this.consumers.splice(at, 1);
    this.groups.delete(group.groupId);
    if (!this.consumers.length) await this.sweep.stop();
  }

  private async stopConsumer(group: RunningGroup): Promise<void> {
    group.inbox?.halt();
    await group.committer?.stop();
    await group.consumer?.disconnect();
  }

  /** One sweep of every running group for members of dead processes (what the timer does; for tests). */
  sweepDeadMembers(): Promise<void> {
    return this.sweep.sweep();
  }

  async stop(): Promise<void> {
    await this.sweep.stop();
    this.stopHandOff?.();
    this.stopHandOff = null;
    await this.relay?.stop();
    this.relay = null;
    await Promise.allSettled([...this.consumers].map((c) => this.stopGroup(c)));
    this.consumers.length = 0;
    this.groups.clear();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    await this.liveness.stop();
    this.consumerKafka = null;
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
}
