import { baseServiceEnv, loadConfig } from '@practice-sync/config';

import { messagingConfig } from './config';

describe('messagingConfig', () => {
  it("maps a service's loaded KAFKA_* variables to its messaging settings", () => {
    const env = loadConfig(baseServiceEnv(3000), {
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      KAFKA_TOPIC_PREFIX: 'firm-a.',
      KAFKA_PARTITIONS: '12',
      KAFKA_COMMIT_INTERVAL_MS: '0',
      KAFKA_DEAD_MEMBER_SWEEP_MS: '2000',
    });
    expect(messagingConfig('connector-gst', env)).toEqual({
      brokers: ['kafka-1:9092', 'kafka-2:9092'],
      clientId: 'connector-gst',
      topicPrefix: 'firm-a.',
      partitions: 12,
      commitIntervalMs: 0,
      deadMemberSweepMs: 2000,
    });
  });

  it('keeps the defaults the environment schema gives', () => {
    const env = loadConfig(baseServiceEnv(3000), {});
    expect(messagingConfig('client-master', env)).toEqual({
      brokers: ['127.0.0.1:9092'],
      clientId: 'client-master',
      topicPrefix: '',
      partitions: 6,
      commitIntervalMs: 1000,
    });
  });

  it('refuses a dead-member sweep interval that is not a whole number of ms from 0 to 300000', () => {
    expect(() => loadConfig(baseServiceEnv(3000), { KAFKA_DEAD_MEMBER_SWEEP_MS: '-1' })).toThrow(
      /KAFKA_DEAD_MEMBER_SWEEP_MS/,
    );
  });
});
