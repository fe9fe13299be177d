import type { StartedTestContainer } from 'testcontainers';

/** What one global setup made, so its teardown undoes exactly that (and nothing it found running). */
export interface InfraState {
  /** Server-level URL (database `postgres`) the test database was created on. */
  serverUrl: string;
  database: string;
  kafkaBrokers: string[];
  topicPrefix: string;
  containers: StartedTestContainer[];
  startedLocalKafka: boolean;
  startedLocalPostgres: boolean;
  /** process.env values before setup, restored by teardown. */
  previousEnv: Record<string, string | undefined>;
}

const KEY = '__practiceSyncInfraStates__';

/**
 * Global setup and teardown run in jest's parent process, so a global carries state between them. A stack,
 * because one jest invocation running both the integration and the e2e project runs two setups.
 */
export function infraStates(): InfraState[] {
  const g = globalThis as unknown as Record<string, InfraState[] | undefined>;
  return (g[KEY] ??= []);
}
