import { loadConfig } from '@practice-sync/config';
import { connectorEnv } from '@practice-sync/connector-kit';
import { z } from 'zod';

export const ConnectorGstEnvSchema = connectorEnv(3003, 'http://127.0.0.1:3100/gst').extend({
  /** GSTN versions its APIs per form and changes them over time (portals.md), so they live in config. */
  GST_GSTR2B_API_VERSION: z
    .string()
    .regex(/^v[0-9]+\.[0-9]+$/, 'like v4.0')
    .default('v4.0'),
});

export type ConnectorGstConfig = z.output<typeof ConnectorGstEnvSchema>;

export const SERVICE_NAME = 'connector-gst';
export const DATABASE_SCHEMA = 'connector_gst';

/** Reads and validates the environment once, at boot; throws naming every bad variable. */
export function loadConnectorGstConfig(env?: Record<string, string | undefined>): ConnectorGstConfig {
  return env ? loadConfig(ConnectorGstEnvSchema, env) : loadConfig(ConnectorGstEnvSchema);
}
