import type { Envelope } from '@practice-sync/contracts';
import type { Consumer, Producer } from 'kafkajs';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

export interface ProbeKafka {
  producer: Producer;
  consumer: Consumer;
}

/**
 * A test's Kafka clients under a topic prefix: creates `topics` (2 partitions) if missing, connects a producer,
 * and a consumer of `consumed` from the beginning that hands each envelope to `onEnvelope` with its canonical
 * topic. `onEnvelope` is set before the consumer runs, so nothing is missed.
 */
export async function openProbeKafka(options: {
  brokers: string[];
  prefix: string;
  groupId: string;
  topics: readonly string[];
  consumed: readonly string[];
  onEnvelope: (topic: string, envelope: Envelope<unknown>) => void;
}): Promise<ProbeKafka> {
  const { brokers, prefix, groupId } = options;
  const kafka = new Kafka({ clientId: groupId, brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.createTopics({
    topics: options.topics
      .map((t) => `${prefix}${t}`)
      .filter((t) => !existing.has(t))
      .map((topic) => ({ topic, numPartitions: 2 })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `${prefix}${groupId}` });
  await consumer.connect();
  await consumer.subscribe({ topics: options.consumed.map((t) => `${prefix}${t}`), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const envelope = JSON.parse(message.value?.toString('utf8') ?? '{}') as Envelope<unknown>;
      options.onEnvelope(topic.slice(prefix.length), envelope);
    },
  });
  return { producer, consumer };
}
