import { loadConfig } from '@practice-sync/config';
import type { ConnectorDefinition } from '@practice-sync/connector-kit';
import { connectorEnv } from '@practice-sync/connector-kit';
import type { z } from 'zod';

export const ConnectorEsignEnvSchema = connectorEnv(3005, 'http://127.0.0.1:3100/esign');

export type ConnectorEsignConfig = z.output<typeof ConnectorEsignEnvSchema>;

export const SERVICE_NAME = 'connector-esign';
export const DATABASE_SCHEMA = 'connector_esign';

/** Reads and validates the environment once, at boot; throws naming every bad variable. */
export function loadConnectorEsignConfig(env?: Record<string, string | undefined>): ConnectorEsignConfig {
  return env ? loadConfig(ConnectorEsignEnvSchema, env) : loadConfig(ConnectorEsignEnvSchema);
}

/** What main.ts, migrate.ts and the database options of connector-esign derive from. */
export const CONNECTOR_ESIGN: ConnectorDefinition<ConnectorEsignConfig> = {
  service: SERVICE_NAME,
  portal: 'esign',
  schema: DATABASE_SCHEMA,
  loadConfig: () => loadConnectorEsignConfig(),
};
