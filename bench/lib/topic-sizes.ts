/**
 * What a set of topics carries: every message read once by a throwaway consumer group (from the beginning,
 * up to the high-water marks seen at the start), counted with its key + value bytes (headers not counted).
 * The pipeline bench calls it on its run's topic prefix, and the raw chain replays the same load.
 */
import { randomUUID } from 'node:crypto';

import type { Admin } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';

export interface TopicSize {
  messages: number;
  /** Sum of key and value bytes. */
  bytes: number;
}

/** How long reading may go without a new message before it gives up. */
const IDLE_TIMEOUT_MS = 30_000;

async function highWaterMarks(admin: Admin, topics: readonly string[]): Promise<Map<string, bigint>> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) throw new Error(`topicSizes: no such topic: ${missing.join(', ')}`);
  const ends = new Map<string, bigint>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(`${topic}/${p.partition}`, BigInt(p.high));
    }
  }
  return ends;
}

export async function topicSizes(brokers: string[], topics: string[]): Promise<Record<string, TopicSize>> {
  const sizes: Record<string, TopicSize> = {};
  for (const topic of topics) sizes[topic] = { messages: 0, bytes: 0 };
  const kafka = new Kafka({ clientId: 'bench-topic-sizes', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `bench-topic-sizes-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxBytes: 50 * 1024 * 1024 });
  try {
    // Partitions still to read, with the offset to stop before.
    const remaining = await highWaterMarks(admin, topics);
    if (remaining.size === 0) return sizes;
    let lastProgress = Date.now();
    const finished = new Promise<void>((resolve, reject) => {
      const watchdog = setInterval(() => {
        if (remaining.size === 0) {
          clearInterval(watchdog);
          resolve();
        } else if (Date.now() - lastProgress > IDLE_TIMEOUT_MS) {
          clearInterval(watchdog);
          reject(new Error(`topicSizes: nothing read for 30 s; unread: ${[...remaining.keys()].join(', ')}`));
        }
      }, 50);
      consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) {
          clearInterval(watchdog);
          reject(e.payload.error);
        }
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}/${batch.partition}`;
        const end = remaining.get(key);
        if (end === undefined) return;
        const size = sizes[batch.topic];
        for (const m of batch.messages) {
          if (BigInt(m.offset) >= end) break;
          size.messages++;
          size.bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
        }
        lastProgress = Date.now();
        // lastOffset() also covers records kafkajs filtered out (control records) at the end of the batch.
        if (batch.messages.length > 0 && BigInt(batch.lastOffset()) + 1n >= end) remaining.delete(key);
      },
    });
    await finished;
    return sizes;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
