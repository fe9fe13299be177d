import type { MessagingConfig } from './types';

/** The Kafka variables every service loads from its environment (`baseServiceEnv` in libs/config). */
export interface KafkaEnv {
  KAFKA_BROKERS: string[];
  KAFKA_TOPIC_PREFIX: string;
  KAFKA_PARTITIONS: number;
  KAFKA_COMMIT_INTERVAL_MS: number;
  /** Optional so environments typed before it still fit; unset means the messaging default. */
  KAFKA_DEAD_MEMBER_SWEEP_MS?: number;
}

/** A service's messaging settings, from its loaded environment: the one mapping of KAFKA_* to the client. */
export function messagingConfig(clientId: string, env: KafkaEnv): MessagingConfig {
  return {
    brokers: env.KAFKA_BROKERS,
    clientId,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    partitions: env.KAFKA_PARTITIONS,
    commitIntervalMs: env.KAFKA_COMMIT_INTERVAL_MS,
    ...(env.KAFKA_DEAD_MEMBER_SWEEP_MS !== undefined
      ? { deadMemberSweepMs: env.KAFKA_DEAD_MEMBER_SWEEP_MS }
      : {}),
  };
}
