import { spawn } from 'node:child_process';

import { Topics } from '@practice-sync/contracts';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';

import { freshDataSource, infra, newMessaging, ThingHappened, until } from '../../test/messaging-fixture';
import { memberClientId } from './group-eviction';
import { KafkaMessaging } from './kafka-messaging';

/**
 * A consumer joining a group that still lists a dead member of a dead process (real Kafka + PostgreSQL). The dead
 * member is a child process that joined with a five-minute session and rebalance timeout and was then SIGKILLed:
 * without eviction the broker would wait for it for five minutes before completing the join, far beyond this
 * test's own timeout. With eviction the join completes while the dead member's session is still running.
 */
describe('evicting the group members of dead processes (real Kafka + PostgreSQL)', () => {
  const { databaseUrl, brokers, prefix } = infra();
  const topic = Topics.ClientEvents;
  const group = 'recovery';
  const groupId = `${prefix}${group}`;
  const LONG_SESSION_MS = 300_000;
  let ds: DataSource;
  let messaging: KafkaMessaging;
  const admin = new Kafka({ brokers, clientId: 'eviction-test', logLevel: logLevel.NOTHING }).admin();

  beforeAll(async () => {
    ({ ds } = await freshDataSource(databaseUrl));
    messaging = newMessaging(ds, brokers, prefix, 'svc');
    await messaging.start([topic]);
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
    await messaging.stop();
    await ds.destroy();
  });

  const members = async () => (await admin.describeGroups([groupId])).groups[0]?.members ?? [];

  /** A process that joins the group as a member of process `livenessId`, then dies without leaving. */
  function deadMember(livenessId: string): Promise<void> {
    return deadMemberOf(groupId, livenessId);
  }

  /** The same in any group (`inGroup`, as on the broker). */
  async function deadMemberOf(inGroup: string, livenessId: string): Promise<void> {
    const script = `
      const { Kafka, logLevel } = require('kafkajs');
      const kafka = new Kafka({ brokers: ${JSON.stringify(brokers)}, clientId: ${JSON.stringify(
        memberClientId('svc', livenessId),
      )}, logLevel: logLevel.NOTHING });
      const c = kafka.consumer({ groupId: ${JSON.stringify(inGroup)}, sessionTimeout: ${LONG_SESSION_MS},
        rebalanceTimeout: ${LONG_SESSION_MS}, heartbeatInterval: 3000 });
      c.on(c.events.GROUP_JOIN, () => process.stdout.write('joined\\n'));
      c.connect().then(() => c.subscribe({ topic: ${JSON.stringify(prefix + topic)}, fromBeginning: true }))
        .then(() => c.run({ eachMessage: async () => undefined }));`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('joined') && resolve());
      child.once('exit', (code) => reject(new Error(`the member process exited with ${code}`)));
    });
    child.kill('SIGKILL');
    await exited;
  }

  it('evicts a dead process’s member before joining, while that member’s session is still running', async () => {
    // A liveness identity no live session has (pid 1 never serves a database session).
    const dead = 'pg:1:1';
    await deadMember(dead);
    expect((await members()).map((m) => m.clientId)).toEqual([memberClientId('svc', dead)]);

    const running = await messaging.consume({
      groupId: group,
      topics: [topic],
      contracts: [ThingHappened],
      handle: async () => undefined,
    });
    try {
      // consume() returns once this member joined: the dead one was gone from the group by then.
      await until(async () => (await members()).length === 1, 'one member in the group', 10_000);
      const [only] = await members();
      expect(only.clientId).toBe(memberClientId('svc', messaging.liveness.id ?? '?'));
    } finally {
      await running.stop();
    }
  });

  it('sweeps a member whose process died while this one runs, long before that member’s session ends', async () => {
    const sweeping = new KafkaMessaging(
      { brokers, clientId: 'svc', topicPrefix: prefix, partitions: 2, deadMemberSweepMs: 1000 },
      { dataSource: ds },
    );
    await sweeping.start([topic]);
    const running = await sweeping.consume({
      groupId: 'swept',
      topics: [topic],
      contracts: [ThingHappened],
      handle: async () => undefined,
    });
    const sweptGroup = `${prefix}swept`;
    const membersOf = async () => (await admin.describeGroups([sweptGroup])).groups[0]?.members ?? [];
    try {
      // A replica of a process that dies once it has joined: it holds its partitions for its five-minute session
      // unless someone evicts it; only the running member's periodic sweep can (nobody joins after it).
      const dead = 'pg:1:2';
      await deadMemberOf(sweptGroup, dead);
      await until(
        async () => {
          const ids = (await membersOf()).map((m) => m.clientId);
          return ids.length === 1 && ids[0] === memberClientId('svc', sweeping.liveness.id ?? '?');
        },
        'the dead replica swept out of the group',
        60_000,
      );
    } finally {
      await running.stop();
      await sweeping.stop();
    }
  }, 150_000);

  it('leaves a live process’s member in the group', async () => {
    const other = newMessaging(ds, brokers, prefix, 'svc');
    await other.start([topic]);
    const spec = {
      groupId: 'shared',
      topics: [topic],
      contracts: [ThingHappened],
      handle: async () => undefined,
    };
    const first = await other.consume(spec);
    const second = await messaging.consume(spec);
    try {
      const ids = (await admin.describeGroups([`${prefix}shared`])).groups[0].members.map((m) => m.clientId);
      expect(ids.sort()).toEqual(
        [
          memberClientId('svc', other.liveness.id ?? '?'),
          memberClientId('svc', messaging.liveness.id ?? '?'),
        ].sort(),
      );
    } finally {
      await second.stop();
      await first.stop();
      await other.stop();
    }
  });
});
