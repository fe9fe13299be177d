import { parseBrokers } from './infra/kafka';

export interface TestInfra {
  kafkaBrokers: string[];
  /** This test run's own database (dropped after the run). */
  databaseUrl: string;
  /** Prepend to every topic and consumer group this run creates. */
  topicPrefix: string;
  /** The same as process variables, ready to pass to a service's config or a child process. */
  env: { KAFKA_BROKERS: string; DATABASE_URL: string; KAFKA_TOPIC_PREFIX: string };
}

/** The infrastructure the jest global setup provided for this run (integration and e2e projects). */
export function testInfra(): TestInfra {
  const brokers = process.env['KAFKA_BROKERS'];
  const databaseUrl = process.env['DATABASE_URL'];
  const topicPrefix = process.env['KAFKA_TOPIC_PREFIX'] ?? '';
  if (!brokers || !databaseUrl) {
    throw new Error(
      'KAFKA_BROKERS / DATABASE_URL are not set: run this test through the integration or e2e jest project ' +
        '(npx jest --selectProjects integration <path>), whose global setup provides them',
    );
  }
  return {
    kafkaBrokers: parseBrokers(brokers),
    databaseUrl,
    topicPrefix,
    env: { KAFKA_BROKERS: brokers, DATABASE_URL: databaseUrl, KAFKA_TOPIC_PREFIX: topicPrefix },
  };
}
