import type { DlqHeaderName, DlqReason, Envelope } from '@practice-sync/contracts';
import { dlqTopicOf } from '@practice-sync/contracts';
import { contextFromHeaders, inSpan, SpanKind, tracingEnabled } from '@practice-sync/observability';
import {
  assertTransactionUsable,
  followTransactionStatus,
  GroupCommit,
  isDatabaseUnavailable,
  outageRetryDelayMs,
} from '@practice-sync/persistence';
import type { EachBatchPayload, EachMessagePayload, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import type { Counter, Histogram } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';

import { decodeMessage } from './encoding';
import type { MessagingLogger } from './logger';
import type { ConsumerSpec } from './types';

/**
 * Messages per transaction unless the spec says otherwise. Past a few dozen, the commit (and its WAL flush) is
 * a small share of a group's time, while a bigger group only holds its locks longer, delays its after-commit
 * hooks and outbox rows, and costs more to redo one by one when a message in it fails.
 */
export const DEFAULT_BATCH_SIZE = 100;
/** A group takes no further message once its transaction has run this long (bounds lock time and latency). */
export const DEFAULT_BATCH_MAX_MS = 250;

/** Thrown out of a batch when the consumer stops (or loses the partition) while the database is unreachable. */
export class ConsumerHaltedError extends Error {
  constructor() {
    super('the consumer stopped while waiting for the database; the message is left for redelivery');
    this.name = 'ConsumerHaltedError';
  }
}

const INBOX_INSERT = `INSERT INTO inbox (consumer_group, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`;

export interface InboxConsumerDeps {
  dataSource: DataSource;
  producer: Producer;
  logger: MessagingLogger;
  consumed?: Counter<'topic' | 'group' | 'result'>;
  /** Messages per committed consumer transaction (1 for the one-message path). */
  batchSizes?: Histogram<'group'>;
}

interface Located {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** Where a message is, for the handler's context and the logs. */
interface Where {
  topic: string;
  partition: number;
  offset: string;
}

/** A valid message of a group: its index in the Kafka batch and its envelope. */
interface Item {
  index: number;
  envelope: Envelope<unknown>;
}

type GroupOutcome =
  /** `applied[k]` is false for a duplicate; fewer entries than items when the group hit its time limit. */
  | { ok: true; applied: boolean[]; hooks: (() => void)[][] }
  /** `failedAt`: the item whose handler threw (null when `beforeGroup`, an inbox insert or the commit failed). */
  | { ok: false; failedAt: number | null; error: string };

/**
 * The idempotent consumer of one `ConsumerSpec`: decode and validate (else DLQ), then apply through the inbox
 * in a transaction, one message at a time (`batchSize` 1, kafkajs `eachMessage`) or a group of messages per
 * transaction (`eachBatch`), falling back to one transaction per message for a group that fails.
 */
export class InboxConsumer {
  readonly batchSize: number;
  private readonly batchMaxMs: number;
  private readonly maxAttempts: number;
  /** Set by `halt()`: a message waiting for the database gives up (it is not resolved, so it is redelivered). */
  private halted = false;
  /**
   * With partitions consumed concurrently (`concurrency` > 1): the groups of messages of the partitions taken
   * together share one transaction (issue 26; a group that fails fails alone, see `GroupCommit`). Null: one
   * transaction per group.
   */
  private readonly shared: GroupCommit<Envelope<unknown>[]> | null;

  constructor(
    private readonly spec: ConsumerSpec,
    /** The prefixed group id (metrics, DLQ headers); the inbox is keyed by the spec's own `groupId`. */
    private readonly groupId: string,
    private readonly deps: InboxConsumerDeps,
  ) {
    this.batchSize = spec.batchSize ?? DEFAULT_BATCH_SIZE;
    this.batchMaxMs = spec.batchMaxMs ?? DEFAULT_BATCH_MAX_MS;
    this.maxAttempts = spec.maxAttempts ?? 3;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new Error(
        `consumer ${spec.groupId}: batchSize must be a positive integer, got ${spec.batchSize}`,
      );
    }
    const { beforeGroup } = spec;
    this.shared =
      this.batchSize > 1 && (spec.concurrency ?? 1) > 1 && spec.shareTransactions !== false
        ? new GroupCommit(deps.dataSource, {
            maxTransactionMs: this.batchMaxMs,
            // Once per shared transaction, with every group's envelopes: the locks it takes in a fixed order
            // cover all the partitions' groups (taken per group, they would follow the groups' order).
            prepare: beforeGroup ? (manager, groups) => beforeGroup(groups.flat(), manager) : undefined,
          })
        : null;
  }

  /** Stops waiting for an unreachable database (the consumer is stopping). */
  halt(): void {
    this.halted = true;
  }

  /** One transaction per message (`batchSize` 1). */
  async eachMessage({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    const envelope = await this.decodeOrDeadLetter({ topic, partition, message });
    if (envelope) await this.handleOne({ topic, partition, message }, envelope, heartbeat, () => true);
  }

  /**
   * Applies the batch in groups of up to `batchSize` messages, one transaction per group. A group that fails
   * is redone one message per transaction (with the usual retries and DLQ) up to the message whose handler
   * threw; the messages after it never ran and are grouped again. Offsets are resolved in order, only once
   * every earlier message is committed or dead-lettered. With partitions consumed concurrently, the groups of
   * several partitions share a transaction (`shared`); each partition still awaits its group's commit before
   * it resolves offsets or goes on, so its messages stay in order.
   */
  async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const { topic, partition, messages } = batch;
    // Decoded envelopes by batch index; null for a message already sent to the DLQ.
    const decoded: (Envelope<unknown> | null)[] = [];
    let pos = 0;
    while (pos < messages.length && isRunning() && !isStale()) {
      const end = Math.min(messages.length, pos + this.batchSize);
      // Invalid messages go to the DLQ one by one, in order, outside any group transaction.
      for (let i = decoded.length; i < end; i++) {
        decoded.push(await this.decodeOrDeadLetter({ topic, partition, message: messages[i] }));
      }
      const items: Item[] = [];
      for (let i = pos; i < end; i++) {
        const envelope = decoded[i];
        if (envelope) items.push({ index: i, envelope });
      }
      const outcome = items.length > 0 ? await this.applyGroup(topic, partition, messages, items) : null;
      if (!outcome || outcome.ok) {
        const taken = outcome?.applied.length ?? 0;
        if (outcome) this.afterGroup(topic, partition, messages, items.slice(0, taken), outcome);
        // Everything before the first message the group did not take is done (applied or dead-lettered).
        const done = taken < items.length ? items[taken].index : end;
        if (isStale()) return;
        for (let i = pos; i < done; i++) resolveOffset(messages[i].offset);
        pos = done;
      } else {
        const next = await this.redoOneByOne(payload, decoded, pos, end, items, outcome);
        if (next === null) return;
        pos = next;
      }
      await heartbeat();
    }
  }

  /**
   * After a group rolled back: each of its messages in its own transaction, up to the one whose handler threw
   * (its next try is its second), or all of them when no handler is to blame. Returns where to go on from, or
   * null when the partition is no longer ours (or the consumer stops).
   */
  private async redoOneByOne(
    { batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload,
    decoded: (Envelope<unknown> | null)[],
    pos: number,
    end: number,
    items: Item[],
    { failedAt, error }: { failedAt: number | null; error: string },
  ): Promise<number | null> {
    const { topic, partition, messages } = batch;
    this.deps.logger.warn(
      {
        topic,
        partition,
        offset: messages[pos].offset,
        size: items.length,
        err: error,
        ...(failedAt !== null ? { eventId: items[failedAt].envelope.id } : {}),
      },
      'batch transaction failed; applying its messages one per transaction',
    );
    const last = failedAt !== null ? items[failedAt].index : end - 1;
    for (let i = pos; i <= last; i++) {
      if (!isRunning() || isStale()) return null;
      const envelope = decoded[i];
      if (envelope) {
        const failed = failedAt !== null && i === last ? error : undefined;
        try {
          await this.handleOne(
            { topic, partition, message: messages[i] },
            envelope,
            heartbeat,
            () => isRunning() && !isStale(),
            failed,
          );
        } catch (e) {
          // Stopped (or the partition taken away) while the database was down: the rest goes to the next owner.
          if (e instanceof ConsumerHaltedError) return null;
          throw e;
        }
      }
      resolveOffset(messages[i].offset);
      await heartbeat();
    }
    return last + 1;
  }

  /** The envelope of a valid message; an invalid one is sent to the DLQ (null). */
  private async decodeOrDeadLetter(at: Located): Promise<Envelope<unknown> | null> {
    const decoded = decodeMessage(at.message.value, this.spec.contracts);
    if (decoded.ok) return decoded.envelope;
    await this.toDlq(at, decoded.reason, decoded.error, 0);
    return null;
  }

  /** One transaction for the items, each applied (or skipped as a duplicate) in order, with `attempt` 1. */
  private async applyGroup(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    items: Item[],
  ): Promise<GroupOutcome> {
    const applied: boolean[] = [];
    const hooks: (() => void)[][] = [];
    let failedAt: number | null = null;
    const envelopes = items.map((item) => item.envelope);
    const work = async (manager: EntityManager) => {
      // A shared transaction runs the work again when a later group of it failed: only the last run counts.
      applied.length = 0;
      hooks.length = 0;
      failedAt = null;
      // From the group's start in its transaction (a shared one may have waited for the one before).
      const started = Date.now();
      followTransactionStatus(manager);
      if (!this.shared) await this.spec.beforeGroup?.(envelopes, manager);
      for (const [k, { index, envelope }] of items.entries()) {
        if (k > 0 && Date.now() - started >= this.batchMaxMs) break;
        const where = { topic, partition, offset: messages[index].offset };
        const mine: (() => void)[] = [];
        const fresh = await this.insertInbox(manager, envelope);
        if (fresh) {
          try {
            await this.runHandler(manager, envelope, where, 1, mine, messages[index].headers);
          } catch (e) {
            // Only a throwing handler is blamed (and counts a try); an inbox insert or commit failure is not,
            // nor a handler that failed because the database went away.
            if (!isDatabaseUnavailable(e)) failedAt = k;
            this.logHandlerFailure(where, envelope, 1, e);
            throw e;
          }
        }
        applied.push(fresh);
        hooks.push(mine);
      }
      // A handler that caught a database error itself leaves the transaction aborted, and COMMIT would then
      // roll back the whole group without an error: fail here instead, and redo the group one by one.
      await assertTransactionUsable(manager);
    };
    try {
      // Shared: when this group fails, the transaction is rolled back, this group gets its error (and goes the
      // one-by-one way) and the groups that ran before it are applied again in the next transaction; a failed
      // COMMIT fails every group of the transaction, and each is redone one by one as when its own commit failed.
      if (this.shared) await this.shared.submit(work, envelopes);
      else await this.deps.dataSource.transaction(work);
    } catch (e) {
      return { ok: false, failedAt, error: errorText(e) };
    }
    return { ok: true, applied, hooks };
  }

  /** Metrics and hooks of a committed group. */
  private afterGroup(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    taken: Item[],
    { applied, hooks }: { applied: boolean[]; hooks: (() => void)[][] },
  ): void {
    const handled = applied.filter(Boolean).length;
    if (handled > 0) this.deps.consumed?.inc({ topic, group: this.groupId, result: 'handled' }, handled);
    if (handled < applied.length) {
      this.deps.consumed?.inc({ topic, group: this.groupId, result: 'duplicate' }, applied.length - handled);
    }
    this.deps.batchSizes?.observe({ group: this.groupId }, applied.length);
    taken.forEach(({ index, envelope }, k) => {
      const offset = messages[index].offset;
      this.runAfterCommit(hooks[k], { topic, partition, offset, eventId: envelope.id });
    });
  }

  /**
   * One message in its own transaction, retried `maxAttempts` times with jittered back-off, then dead-lettered.
   * `failed` is the error of a first try already made (in a group that rolled back): this starts at try 2.
   * A try that failed because the database could not be reached (a restart, a killed connection) does not count:
   * the message waits for the database (tries again every ≤ 1 s, heartbeating) instead of being dead-lettered for
   * an outage, until `active()` says the partition is no longer ours or the consumer stops; then it throws
   * `ConsumerHaltedError`, leaving the message unresolved for redelivery.
   */
  private async handleOne(
    at: Located,
    envelope: Envelope<unknown>,
    heartbeat: () => Promise<void>,
    active: () => boolean,
    failed?: string,
  ): Promise<void> {
    const { topic, partition, message } = at;
    const where = { topic, partition, offset: message.offset };
    let lastError = failed ?? '';
    let unavailable = 0;
    for (let attempt = failed === undefined ? 1 : 2; ; ) {
      if (unavailable > 0) {
        // ≤ 1 s apart (was ≤ 5 s: a message could sit up to 5 s after the database was back).
        await new Promise((r) => setTimeout(r, outageRetryDelayMs(unavailable)));
        await heartbeat().catch(() => undefined);
        if (this.halted || !active()) throw new ConsumerHaltedError();
      } else if (attempt > 1) {
        if (attempt > this.maxAttempts) {
          await this.toDlq(at, 'handler_failed', lastError, attempt - 1);
          return;
        }
        await new Promise((r) =>
          setTimeout(r, Math.min(2000, 100 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)),
        );
        await heartbeat();
      }
      // Hooks of a try that rolls back are dropped with it; the next try registers its own.
      const afterCommit: (() => void)[] = [];
      try {
        const applied = await this.deps.dataSource.transaction((manager) =>
          this.applyInTransaction(manager, envelope, where, attempt, afterCommit, message.headers),
        );
        this.deps.consumed?.inc({ topic, group: this.groupId, result: applied ? 'handled' : 'duplicate' });
        this.deps.batchSizes?.observe({ group: this.groupId }, 1);
        if (applied) this.runAfterCommit(afterCommit, { ...where, eventId: envelope.id });
        return;
      } catch (e) {
        if (isDatabaseUnavailable(e)) {
          if (unavailable++ === 0)
            this.deps.logger.warn(
              { ...where, eventId: envelope.id, err: errorText(e) },
              'the database is unreachable; the message waits for it (not counted as a failed try)',
            );
          continue;
        }
        unavailable = 0;
        lastError = errorText(e);
        this.logHandlerFailure(where, envelope, attempt, e);
        attempt++;
      }
    }
  }

  /** Inserts the inbox marker and, for an event not seen before, runs the handler; false for a duplicate. */
  private async applyInTransaction(
    manager: EntityManager,
    envelope: Envelope<unknown>,
    where: Where,
    attempt: number,
    afterCommit: (() => void)[],
    headers?: IHeaders,
  ): Promise<boolean> {
    followTransactionStatus(manager);
    if (!(await this.insertInbox(manager, envelope))) return false;
    await this.runHandler(manager, envelope, where, attempt, afterCommit, headers);
    // As in a group: a caught database error would make the commit a silent rollback of this message.
    await assertTransactionUsable(manager);
    return true;
  }

  /** The inbox marker: false when this group has already seen the event (a redelivery). */
  private async insertInbox(manager: EntityManager, envelope: Envelope<unknown>): Promise<boolean> {
    const inserted: unknown[] = await manager.query(INBOX_INSERT, [this.spec.groupId, envelope.id]);
    return inserted.length > 0;
  }

  /**
   * The handler, in a consumer span continuing the message's `traceparent` (tracing on), so what it logs and
   * enqueues carries the message's trace on.
   */
  private runHandler(
    manager: EntityManager,
    envelope: Envelope<unknown>,
    where: Where,
    attempt: number,
    afterCommit: (() => void)[],
    headers?: IHeaders,
  ): Promise<void> {
    const handle = () =>
      this.spec.handle(envelope, {
        manager,
        ...where,
        attempt,
        afterCommit: (fn) => void afterCommit.push(fn),
      });
    if (!tracingEnabled()) return handle();
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': where.topic,
      'messaging.destination.partition.id': String(where.partition),
      'messaging.kafka.offset': Number(where.offset),
      'messaging.consumer.group.name': this.spec.groupId,
      'messaging.message.id': envelope.id,
      'event.type': envelope.type,
      attempt,
    };
    const parent = contextFromHeaders(headers);
    return inSpan(`process ${where.topic}`, { kind: SpanKind.CONSUMER, attributes, parent }, handle);
  }

  private logHandlerFailure(where: Where, envelope: Envelope<unknown>, attempt: number, e: unknown): void {
    this.deps.logger.warn(
      { ...where, eventId: envelope.id, type: envelope.type, attempt, err: errorText(e) },
      'handler failed',
    );
  }

  /** The event's effects are committed: a failing hook must not make it look unhandled (it would not re-run). */
  private runAfterCommit(hooks: readonly (() => void)[], where: Record<string, unknown>): void {
    for (const hook of hooks) {
      try {
        hook();
      } catch (e) {
        this.deps.logger.warn({ ...where, err: errorText(e) }, 'after-commit hook failed');
      }
    }
  }

  private async toDlq(
    { topic, partition, message }: Located,
    reason: DlqReason,
    error: string,
    attempts: number,
  ): Promise<void> {
    // Typed against the contract: the AsyncAPI document lists exactly these on every DLQ channel.
    const dlqHeaders: Record<DlqHeaderName, string> = {
      'x-dlq-reason': reason,
      'x-dlq-error': error.slice(0, 1000),
      'x-dlq-source-topic': topic,
      'x-dlq-source-partition': String(partition),
      'x-dlq-source-offset': message.offset,
      'x-dlq-consumer-group': this.groupId,
      'x-dlq-attempts': String(attempts),
    };
    await this.deps.producer.send({
      topic: dlqTopicOf(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: { ...message.headers, ...dlqHeaders },
        },
      ],
    });
    this.deps.consumed?.inc({ topic, group: this.groupId, result: 'dlq' });
    this.deps.logger.error(
      { topic, partition, offset: message.offset, reason, err: error },
      'message sent to DLQ',
    );
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
