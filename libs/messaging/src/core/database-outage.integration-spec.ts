import { Topics } from '@practice-sync/contracts';
import { HealthRegistry } from '@practice-sync/observability';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';

import {
  collect,
  freshDataSource,
  infra,
  newMessaging,
  thing,
  ThingHappened,
  until,
} from '../../test/messaging-fixture';
import type { KafkaMessaging } from './kafka-messaging';

const topic = Topics.ClientEvents;

/** The checks a service's readiness has (MessagingModule's and PersistenceModule's), on a registry of the test's. */
function readinessOf(messaging: KafkaMessaging, ds: DataSource): HealthRegistry {
  const health = new HealthRegistry();
  health.register({ name: 'database', check: async () => void (await ds.query('SELECT 1')) });
  health.register({ name: 'kafka', check: () => messaging.ping() });
  health.register({ name: 'consumers', check: () => messaging.checkConsumers() });
  return health;
}

/** Every `thing_id` applied, with how often. */
async function effects(ds: DataSource): Promise<Map<string, number>> {
  const rows: { thing_id: string; n: string }[] = await ds.query(
    'SELECT thing_id, count(*) AS n FROM effects GROUP BY thing_id',
  );
  return new Map(rows.map((r) => [r.thing_id, Number(r.n)]));
}

function consumeInto(messaging: KafkaMessaging) {
  return messaging.consume({
    groupId: 'outage',
    topics: [topic],
    contracts: [ThingHappened],
    // Partitions taken concurrently, as the busiest consumers do: their groups share transactions (group commit).
    concurrency: 2,
    handle: async (envelope, ctx) => {
      const { thingId, value } = envelope.data as { thingId: string; value: number };
      await ctx.manager.query('INSERT INTO effects (thing_id, value) VALUES ($1, $2)', [thingId, value]);
    },
  });
}

const range = (from: number, to: number, tag: string): string[] =>
  Array.from({ length: to - from }, (_, i) => `${tag}-${from + i}`);

/**
 * PostgreSQL going away under a consuming process (the test run's own database on the shared server: its
 * connections are refused and terminated, then allowed again; the server itself is never restarted): readiness
 * red while it is gone, green when it is back; events that arrive meanwhile wait (they are not tries that fail
 * into the DLQ) and are applied exactly once; the pool and the liveness session recover by themselves.
 */
describe('the database going away (shared server, the run’s own database)', () => {
  const { databaseUrl, brokers, prefix } = infra();
  const database = new URL(databaseUrl).pathname.slice(1);
  let admin: Client;
  let ds: DataSource;
  let schema: string;
  let messaging: KafkaMessaging;
  let stopConsumer: () => Promise<void>;

  const allowConnections = (allow: boolean) =>
    admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS ${allow ? 'true' : 'false'}`);
  /** Terminates this test's service connections (its pool's and its liveness session), as a restart would. */
  const terminate = async (): Promise<number> => {
    const { rows } = await admin.query(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE datname = $1 AND (application_name = $2 OR application_name = $3)`,
      [database, schema, `ps-liveness ${messaging.liveness.id ?? ''}`],
    );
    return rows[0].n;
  };

  beforeAll(async () => {
    ({ ds, schema } = await freshDataSource(databaseUrl));
    const serverUrl = new URL(databaseUrl);
    serverUrl.pathname = '/postgres';
    admin = new Client({ connectionString: serverUrl.toString() });
    await admin.connect();
    messaging = newMessaging(ds, brokers, prefix, 'pg-outage');
    await messaging.start([topic]);
    messaging.startOutboxRelay({});
    ({ stop: stopConsumer } = await consumeInto(messaging));
  }, 120_000);

  afterAll(async () => {
    await allowConnections(true).catch(() => undefined);
    await admin?.end();
    await stopConsumer?.();
    await messaging?.stop();
    await ds?.destroy();
  }, 60_000);

  it('rides out killed connections: every event applied once, nothing dead-lettered, the same identity', async () => {
    const identity = messaging.liveness.id;
    const ids = range(0, 60, 'killed');
    const publishing = (async () => {
      for (let i = 0; i < ids.length; i += 5) {
        await messaging.publisher.publish(
          ids.slice(i, i + 5).map((id, k) => ({ contract: ThingHappened, envelope: thing(id, k) })),
        );
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    let killed = 0;
    for (let round = 0; round < 6; round++) {
      killed += await terminate();
      await new Promise((r) => setTimeout(r, 250));
    }
    await publishing;
    expect(killed).toBeGreaterThan(0);
    await until(
      async () => (await effects(ds)).size === ids.length,
      'every event applied despite the killed connections',
      60_000,
    );
    const applied = await effects(ds);
    expect([...applied.values()].filter((n) => n !== 1)).toEqual([]);
    // The liveness session is re-opened under the same identity, so peers never take this process for dead.
    await until(
      async () =>
        (
          await ds.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1`, [
            `ps-liveness ${identity}`,
          ])
        ).length === 1,
      'the liveness session re-opened with the same identity',
      15_000,
    );
    expect(messaging.liveness.id).toBe(identity);
  }, 180_000);

  it('turns readiness red while the database refuses connections and green when it is back; events wait, none to the DLQ', async () => {
    const health = readinessOf(messaging, ds);
    const dlq = await collect(brokers, `${prefix}${topic}.dlq`);
    try {
      expect((await health.readiness()).status).toBe('ok');
      await allowConnections(false);
      await terminate();
      await until(
        async () => (await health.readiness()).checks['database']?.status === 'error',
        'readiness red while the database is gone',
      );
      const ids = range(0, 30, 'gone');
      await messaging.publisher.publish(
        ids.map((id, k) => ({ contract: ThingHappened, envelope: thing(id, k) })),
      );
      // Past the three tries a failing handler gets before the DLQ (≈ 0.3 s of back-off), many times over.
      await new Promise((r) => setTimeout(r, 8000));
      expect((await health.readiness()).status).toBe('error');
      await allowConnections(true);
      await until(
        async () => (await health.readiness()).status === 'ok',
        'readiness green once the database is back',
        60_000,
      );
      await until(
        async () => {
          const applied = await effects(ds);
          return ids.every((id) => applied.has(id));
        },
        'the events that arrived during the outage applied',
        60_000,
      );
      await new Promise((r) => setTimeout(r, 2000));
      const again = await effects(ds);
      expect(ids.map((id) => again.get(id))).toEqual(ids.map(() => 1));
      expect(dlq.messages).toHaveLength(0);
    } finally {
      await allowConnections(true);
      await dlq.stop();
    }
  }, 180_000);
});
