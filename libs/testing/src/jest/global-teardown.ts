// Jest global teardown: drops the run's database and topics; stops only what the setup itself started.
// PS_TEST_KEEP_INFRA=1 keeps started servers running (scripts/test.sh runs several jest invocations in a row).
import { deleteTopicsWithPrefix } from '../infra/kafka';
import { runLocalScript } from '../infra/local-scripts';
import { dropDatabase } from '../infra/postgres';
import { infraStates } from './infra-state';

const log = (m: string) => process.stderr.write(`[test infra] ${m}\n`);

export default async function globalTeardown(): Promise<void> {
  const state = infraStates().pop();
  if (!state) return;
  const keep = process.env['PS_TEST_KEEP_INFRA'] === '1';

  await dropDatabase(state.serverUrl, state.database).catch((e: unknown) =>
    log(`could not drop ${state.database}: ${e instanceof Error ? e.message : String(e)}`),
  );
  await deleteTopicsWithPrefix(state.kafkaBrokers, state.topicPrefix);
  await Promise.all(state.containers.map((c) => c.stop().catch(() => undefined)));
  if (!keep && state.startedLocalKafka) runLocalScript('kafka.sh', ['stop']);
  if (!keep && state.startedLocalPostgres) runLocalScript('postgres.sh', ['down']);

  for (const [k, v] of Object.entries(state.previousEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}
