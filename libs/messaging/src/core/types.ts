import type { Envelope, EventContract } from '@practice-sync/contracts';
import type { EntityManager } from 'typeorm';

export interface MessagingConfig {
  brokers: string[];
  /** Identifies this service to the broker (also the default consumer group prefix). */
  clientId: string;
  /** Prepended to every topic and consumer group, so test runs sharing a broker never see each other. */
  topicPrefix: string;
  /** Partitions for topics created at start. */
  partitions: number;
  /**
   * How often a batched consumer group commits its offsets (ms; default 1000). Redelivered messages are skipped
   * by the inbox, so a longer interval only means more of them after a crash; 0 commits after every batch.
   */
  commitIntervalMs?: number;
  /**
   * How often each running consumer group is swept for members of dead processes (ms; default
   * `DEFAULT_DEAD_MEMBER_SWEEP_MS`, 5000; 0 only at join): a replica that died gives its partitions up within
   * this, not after its session.
   */
  deadMemberSweepMs?: number;
}

/** Anything a contract of this set can carry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyContract = EventContract<any>;

export interface OutgoingEvent<T = unknown> {
  contract: EventContract<T>;
  envelope: Envelope<T>;
  /** Needed only when a contract may travel on several topics (e.g. the per-portal job topics). */
  topic?: string;
  /**
   * The trace context headers (`traceparent`) the message carries on; default those of the current span. A
   * poller sets them for work an earlier request asked for (`handOffSpan`).
   */
  traceHeaders?: Record<string, string>;
}

/** Publishes straight to Kafka (acks=all, idempotent producer). Prefer the outbox for state changes. */
export interface EventPublisher {
  publish(events: OutgoingEvent[]): Promise<void>;
}

export interface HandlerContext {
  /**
   * The transaction the inbox marker is written in; write the handler's effects with it (exactly-once). With
   * batching it is shared by the messages of a group, applied in order: never commit or roll it back, expect
   * row locks taken here to be held until the group commits, and `now()` to be the group's start time.
   */
  manager: EntityManager;
  topic: string;
  partition: number;
  offset: string;
  /** 1 on the first try, then 2, 3… while the handler throws (a try in a group counts when it throws). */
  attempt: number;
  /**
   * Runs `fn` once this try's transaction has committed, never if it rolls back (this handler or another of its
   * group threw, the commit failed) or the event was a duplicate: for side effects outside the database, such as
   * metrics or waking a worker, that must happen once per applied event. Hooks run in order; one that throws is
   * logged and skipped.
   */
  afterCommit(fn: () => void): void;
}

export interface ConsumerSpec {
  /** Consumer group (without prefix), e.g. `client-master.results`. */
  groupId: string;
  /** Canonical topic names (without prefix). */
  topics: string[];
  /** The contracts this consumer accepts; anything else goes to the DLQ as `unknown_type`. */
  contracts: AnyContract[];
  handle(envelope: Envelope<unknown>, ctx: HandlerContext): Promise<void>;
  /** Handler tries before the message goes to the DLQ (default 3). Decode/validation errors go at once. */
  maxAttempts?: number;
  /**
   * Partitions processed in parallel (default 1). Above 1 (with `batchSize` > 1) the groups of the partitions
   * taken together share one transaction (group commit): a failing group fails alone (the transaction is rolled
   * back and the groups before it are applied again in the next); a failed commit redoes every group of it one message per transaction. Each partition awaits its own
   * group's commit before its next, so its messages stay in order.
   */
  concurrency?: number;
  /**
   * With `concurrency` > 1: whether the partitions' groups share transactions (default true). false gives each
   * group its own transaction, as before group commit (for comparison, or handlers that must not share one).
   */
  shareTransactions?: boolean;
  /**
   * Messages of a partition applied in one transaction (default 100): one inbox insert and handler call per
   * message, in order, then one commit. A group that fails is rolled back and redone one message per
   * transaction (with the usual retries and DLQ), so a poison message is dead-lettered alone. `1` applies every
   * message in its own transaction.
   */
  batchSize?: number;
  /** A group takes no further message once its transaction has run this long, in ms (default 250). */
  batchMaxMs?: number;
  /**
   * Runs in a group's transaction before its first handler, with the group's envelopes (never for a message
   * applied alone). For handlers that lock rows shared across partitions: take those locks here in a fixed
   * order, so that two groups taking them in message order cannot deadlock. With `concurrency` > 1 it runs once
   * per shared transaction, with the envelopes of every partition's group in it. If it throws, the group's (or
   * the shared transaction's groups') messages are applied one per transaction.
   */
  beforeGroup?(envelopes: Envelope<unknown>[], manager: EntityManager): Promise<void>;
  /** Start at the earliest offset for a new group (default true). */
  fromBeginning?: boolean;
}

export interface RunningConsumer {
  stop(): Promise<void>;
}
