import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

import { testInfra } from '../test-infra';

describe('jest global setup', () => {
  it('provides a reachable Kafka cluster', async () => {
    const { kafkaBrokers, topicPrefix } = testInfra();
    expect(topicPrefix).toMatch(/^t[0-9a-f]{8}\.$/);
    const admin = new Kafka({
      clientId: 'testing-spec',
      brokers: kafkaBrokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    } finally {
      await admin.disconnect();
    }
  });

  // Suites of one run share the run's database (each in its own schema) and may run before this one, so
  // "empty" is checked where nothing in the repo writes: the public schema.
  it('provides a database of its own for this run, with nothing in public', async () => {
    const { databaseUrl, topicPrefix } = testInfra();
    const suffix = topicPrefix.slice(1, -1);
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const db = await client.query<{ name: string }>('SELECT current_database() AS name');
      expect(db.rows[0]?.name).toBe(`ps_test_${suffix}`);
      const tables = await client.query<{ n: string }>(
        "SELECT count(*)::text AS n FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables.rows[0]?.n).toBe('0');
    } finally {
      await client.end();
    }
  });
});
