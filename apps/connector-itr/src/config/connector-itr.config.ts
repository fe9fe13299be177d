import { loadConfig } from '@practice-sync/config';
import type { ConnectorDefinition } from '@practice-sync/connector-kit';
import { connectorEnv } from '@practice-sync/connector-kit';
import type { z } from 'zod';

export const ConnectorItrEnvSchema = connectorEnv(3004, 'http://127.0.0.1:3100/itr');

export type ConnectorItrConfig = z.output<typeof ConnectorItrEnvSchema>;

/** Reads and validates the environment once, at boot; throws naming every bad variable. */
export function loadConnectorItrConfig(env?: Record<string, string | undefined>): ConnectorItrConfig {
  return env ? loadConfig(ConnectorItrEnvSchema, env) : loadConfig(ConnectorItrEnvSchema);
}

/** What main.ts, migrate.ts and the database options of connector-itr derive from. */
export const CONNECTOR_ITR: ConnectorDefinition<ConnectorItrConfig> = {
  service: 'connector-itr',
  portal: 'itr',
  schema: 'connector_itr',
  loadConfig: () => loadConnectorItrConfig(),
};
