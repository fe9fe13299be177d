// Jest global setup (integration and e2e projects): reachable Kafka and PostgreSQL, isolated per run.
// Order: KAFKA_BROKERS / DATABASE_URL when given; else testcontainers when a container engine answers;
// else the local scripts (deploy/local/kafka.sh start, postgres.sh up), which reuse servers already running.
// Imports are relative: jest's moduleNameMapper does not apply to global setup modules.
import { randomBytes } from 'node:crypto';

import { containerRuntimeAnswers } from '../infra/container-runtime';
import { kafkaAnswers, parseBrokers } from '../infra/kafka';
import { runLocalScript } from '../infra/local-scripts';
import { ensureDatabase, postgresAnswers, withDatabase } from '../infra/postgres';
import type { InfraState } from './infra-state';
import { infraStates } from './infra-state';

const log = (m: string) => process.stderr.write(`[test infra] ${m}\n`);

/** PS_TEST_INFRA=local|containers forces a path; default: containers only when an engine answers. */
async function useContainers(): Promise<boolean> {
  const forced = process.env['PS_TEST_INFRA'];
  if (forced === 'local') return false;
  if (forced === 'containers') return true;
  return containerRuntimeAnswers();
}

async function provideKafka(state: InfraState, containers: boolean): Promise<void> {
  const given = process.env['PS_TEST_BASE_KAFKA_BROKERS'] ?? process.env['KAFKA_BROKERS'];
  if (given) {
    state.kafkaBrokers = parseBrokers(given);
    if (!(await kafkaAnswers(state.kafkaBrokers, 10_000)))
      throw new Error(`KAFKA_BROKERS=${given} does not answer`);
    return;
  }
  if (containers) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    log('starting Kafka in a container');
    const c = await new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start();
    state.containers.push(c);
    state.kafkaBrokers = [`${c.getHost()}:${c.getMappedPort(9093)}`];
    return;
  }
  state.kafkaBrokers = [`127.0.0.1:${process.env['KAFKA_PORT'] || 9092}`];
  if (await kafkaAnswers(state.kafkaBrokers)) return;
  log('no Kafka broker answers; starting one with deploy/local/kafka.sh');
  runLocalScript('kafka.sh', ['start']);
  state.startedLocalKafka = true;
}

async function providePostgres(state: InfraState, containers: boolean): Promise<void> {
  const given = process.env['PS_TEST_BASE_DATABASE_URL'] ?? process.env['DATABASE_URL'];
  if (given) {
    state.serverUrl = withDatabase(given, 'postgres');
    if (!(await postgresAnswers(given, 10_000))) throw new Error(`DATABASE_URL ${given} does not answer`);
    return;
  }
  if (containers) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    log('starting PostgreSQL in a container');
    const c = await new PostgreSqlContainer('postgres:16-alpine')
      .withCommand(['postgres', '-c', 'max_connections=300'])
      .start();
    state.containers.push(c);
    state.serverUrl = withDatabase(c.getConnectionUri(), 'postgres');
    return;
  }
  state.serverUrl = `postgres://postgres@127.0.0.1:${process.env['PG_PORT'] || 5432}/postgres`;
  if (await postgresAnswers(state.serverUrl)) return;
  log('no PostgreSQL answers; starting one with deploy/local/postgres.sh');
  runLocalScript('postgres.sh', ['up']);
  state.startedLocalPostgres = true;
}

export default async function globalSetup(): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const state: InfraState = {
    serverUrl: '',
    database: `ps_test_${suffix}`,
    kafkaBrokers: [],
    topicPrefix: `t${suffix}.`,
    containers: [],
    startedLocalKafka: false,
    startedLocalPostgres: false,
    previousEnv: {},
  };
  infraStates().push(state);
  const containers =
    !(process.env['KAFKA_BROKERS'] && process.env['DATABASE_URL']) && (await useContainers());
  await Promise.all([provideKafka(state, containers), providePostgres(state, containers)]);
  await ensureDatabase(state.serverUrl, state.database);

  const env: Record<string, string> = {
    KAFKA_BROKERS: state.kafkaBrokers.join(','),
    DATABASE_URL: withDatabase(state.serverUrl, state.database),
    KAFKA_TOPIC_PREFIX: state.topicPrefix,
    // A second setup in the same process (integration + e2e projects together) must start from the same
    // servers, not from the first run's database.
    PS_TEST_BASE_KAFKA_BROKERS: process.env['PS_TEST_BASE_KAFKA_BROKERS'] ?? state.kafkaBrokers.join(','),
    PS_TEST_BASE_DATABASE_URL: process.env['PS_TEST_BASE_DATABASE_URL'] ?? state.serverUrl,
  };
  for (const [k, v] of Object.entries(env)) {
    state.previousEnv[k] = process.env[k];
    // Workers are forked after global setup and inherit the parent's environment.
    process.env[k] = v;
  }
  log(`database ${state.database}, topic prefix ${state.topicPrefix}, brokers ${env['KAFKA_BROKERS']}`);
}
