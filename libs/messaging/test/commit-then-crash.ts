// Test helper process: commits one outbox row, then dies by SIGKILL before any relay could publish it.
import 'reflect-metadata';

import { createServiceDataSource } from '@practice-sync/persistence';

import { enqueueEvents } from '../src/core/outbox';
import { thing, ThingHappened } from './messaging-fixture';

async function main(): Promise<void> {
  const ds = createServiceDataSource({
    url: String(process.env.TEST_DATABASE_URL),
    schema: String(process.env.TEST_SCHEMA),
    entities: [],
    migrations: [],
  });
  await ds.initialize();
  await ds.transaction((manager) =>
    enqueueEvents(manager, [{ contract: ThingHappened, envelope: thing(String(process.env.TEST_THING), 1) }]),
  );
  process.kill(process.pid, 'SIGKILL');
}

void main();
