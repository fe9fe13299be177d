import { dlqTopicOf } from '@practice-sync/contracts';
import { gauge, onScrape } from '@practice-sync/observability';
import type { Registry } from 'prom-client';

/** What the gauges ask Kafka: the part of kafkajs' Admin they use (a fake in unit tests). */
export interface OffsetsAdmin {
  fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]>;
  fetchOffsets(opts: {
    groupId: string;
    topics: string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

/** What the gauges ask the service's database (its `outbox` table). */
export type OutboxQuery = (sql: string) => Promise<unknown>;

export interface MessagingGaugeSources {
  admin: OffsetsAdmin;
  /** The consumer groups this process runs and their topics (names as on the broker). */
  groups: () => ReadonlyMap<string, readonly string[]>;
  /** Set once the process runs an outbox relay: only then is its outbox backlog worth reporting. */
  outbox: () => OutboxQuery | null;
  /** A scrape never waits longer than this for Kafka or the database; a slow source is left out. */
  timeoutMs?: number;
  onError?: (error: unknown) => void;
}

export interface OutboxBacklog {
  rows: number;
  oldestAgeSeconds: number;
}

export const OUTBOX_BACKLOG_SQL = `SELECT
  (SELECT count(*) FROM (SELECT 1 FROM outbox LIMIT 1000000) o)::int AS rows,
  coalesce((SELECT extract(epoch FROM now() - created_at) FROM outbox ORDER BY seq LIMIT 1), 0)::float8 AS age`;

export function outboxBacklogOf(result: unknown): OutboxBacklog {
  const row = (Array.isArray(result) ? result[0] : undefined) as
    | { rows?: unknown; age?: unknown }
    | undefined;
  return { rows: Number(row?.rows ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)) };
}

/** Messages a topic holds (high − low watermark over its partitions): the depth of a dead-letter topic. */
export async function topicDepth(admin: OffsetsAdmin, topic: string): Promise<number> {
  const partitions = await admin.fetchTopicOffsets(topic);
  return partitions.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Number(p.low)), 0);
}

/**
 * A group's lag per topic: high watermark − committed offset, summed over partitions. A partition the group
 * never committed (offset -1) counts from the low watermark, as the group starts from the beginning.
 */
export async function consumerLag(
  admin: OffsetsAdmin,
  groupId: string,
  topics: readonly string[],
): Promise<Map<string, number>> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const lag = new Map<string, number>();
  for (const topic of topics) {
    const marks = await admin.fetchTopicOffsets(topic);
    const offsets = new Map(
      (committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [
        p.partition,
        Number(p.offset),
      ]),
    );
    let sum = 0;
    for (const p of marks) {
      const at = offsets.get(p.partition) ?? -1;
      sum += Math.max(0, Number(p.high) - (at < 0 ? Number(p.low) : at));
    }
    lag.set(topic, sum);
  }
  return lag;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

/**
 * Gauges read when Prometheus scrapes (a few admin requests and one cheap query, not a background loop):
 * consumer lag of this process's groups, depth of their topics' dead-letter twins, the outbox backlog and the
 * age of its oldest row. A source that fails or is slow leaves its series out of that scrape.
 */
export function registerMessagingGauges(registry: Registry, sources: MessagingGaugeSources): void {
  const timeoutMs = sources.timeoutMs ?? 3000;
  const onError = sources.onError ?? (() => undefined);
  const lag = gauge(
    registry,
    'messaging_consumer_lag',
    'Messages not yet consumed by a consumer group of this service: high watermark minus committed offset, summed over partitions',
    ['group', 'topic'],
  );
  onScrape(lag, async () => {
    lag.reset();
    try {
      await within(
        Promise.all(
          [...sources.groups()].map(async ([group, topics]) => {
            for (const [topic, n] of await consumerLag(sources.admin, group, topics))
              lag.set({ group, topic }, n);
          }),
        ),
        timeoutMs,
      );
    } catch (e) {
      onError(e);
    }
  });
  const dlq = gauge(
    registry,
    'messaging_dlq_messages',
    'Messages held by the dead-letter twin of a topic this service consumes (high minus low watermark)',
    ['topic'],
  );
  onScrape(dlq, async () => {
    dlq.reset();
    const topics = new Set([...sources.groups().values()].flat().map(dlqTopicOf));
    try {
      await within(
        Promise.all(
          [...topics].map(async (topic) => dlq.set({ topic }, await topicDepth(sources.admin, topic))),
        ),
        timeoutMs,
      );
    } catch (e) {
      onError(e);
    }
  });
  const backlog = gauge(registry, 'messaging_outbox_backlog', 'Outbox rows committed and not yet published');
  const age = gauge(
    registry,
    'messaging_outbox_oldest_age_seconds',
    'Age of the oldest unpublished outbox row (0 when the outbox is empty)',
  );
  const read = async (): Promise<OutboxBacklog | null> => {
    const query = sources.outbox();
    if (!query) return null;
    try {
      return outboxBacklogOf(await within(query(OUTBOX_BACKLOG_SQL), timeoutMs));
    } catch (e) {
      onError(e);
      return null;
    }
  };
  onScrape(backlog, async () => {
    backlog.reset();
    const b = await read();
    if (b) backlog.set(b.rows);
  });
  onScrape(age, async () => {
    age.reset();
    const b = await read();
    if (b) age.set(b.oldestAgeSeconds);
  });
}
