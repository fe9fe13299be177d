import { loadConfig } from '@practice-sync/config';
import type { ConnectorDefinition } from '@practice-sync/connector-kit';
import { connectorEnv } from '@practice-sync/connector-kit';
import type { z } from 'zod';

export const ConnectorEsignEnvSchema = connectorEnv(3005, 'http://127.0.0.1:3100/esign');

export type ConnectorEsignConfig = z.output<typeof ConnectorEsignEnvSchema>;

/** Reads and validates the environment once, at boot; throws naming every bad variable. */
export function loadConnectorEsignConfig(env?: Record<string, string | undefined>): ConnectorEsignConfig {
  return env ? loadConfig(ConnectorEsignEnvSchema, env) : loadConfig(ConnectorEsignEnvSchema);
}

/** What main.ts, migrate.ts and the database options of connector-esign derive from. */
export const CONNECTOR_ESIGN: ConnectorDefinition<ConnectorEsignConfig> = {
  service: 'connector-esign',
  portal: 'esign',
  schema: 'connector_esign',
  loadConfig: () => loadConnectorEsignConfig(),
};
