import { loadConfig } from '@practice-sync/config';
import type { ConnectorDefinition } from '@practice-sync/connector-kit';
import { connectorEnv } from '@practice-sync/connector-kit';
import { z } from 'zod';

/** GSTN versions its APIs per form and changes them over time (portals.md), so they live in config. */
const version = (fallback: string) =>
  z
    .string()
    .regex(/^v[0-9]+\.[0-9]+$/, 'like v4.0')
    .default(fallback);

export const ConnectorGstEnvSchema = connectorEnv(3003, 'http://127.0.0.1:3100/gst').extend({
  GST_AUTH_API_VERSION: version('v1.0'),
  GST_RETURNS_API_VERSION: version('v1.0'),
  GST_GSTR2B_API_VERSION: version('v4.0'),
  GST_GSTR1_API_VERSION: version('v4.0'),
  GST_GSTR1A_API_VERSION: version('v1.0'),
  GST_GSTR2A_API_VERSION: version('v4.0'),
  GST_GSTR3B_API_VERSION: version('v6.0'),
  GST_IMS_API_VERSION: version('v1.0'),
  GST_LEDGER_API_VERSION: version('v1.0'),
  GST_NOTICES_API_VERSION: version('v1.0'),
  GST_COMMON_API_VERSION: version('v1.0'),
  /** `on`: the GSTN app_key / SEK / REK envelope; `off`: plain JSON (a sandbox in compatibility mode). */
  GST_ENCRYPTION: z.enum(['on', 'off']).default('on'),
  /** The GSTN public key (PEM). Unset: read from GST_PUBLIC_KEY_PATH under the base URL (the sandbox). */
  GST_PUBLIC_KEY_PEM: z.string().optional(),
  GST_PUBLIC_KEY_PATH: z.string().default('/_sandbox/public-key'),
});

export type ConnectorGstConfig = z.output<typeof ConnectorGstEnvSchema>;

/** Reads and validates the environment once, at boot; throws naming every bad variable. */
export function loadConnectorGstConfig(env?: Record<string, string | undefined>): ConnectorGstConfig {
  return env ? loadConfig(ConnectorGstEnvSchema, env) : loadConfig(ConnectorGstEnvSchema);
}

/** What main.ts, migrate.ts and the database options of connector-gst derive from. */
export const CONNECTOR_GST: ConnectorDefinition<ConnectorGstConfig> = {
  service: 'connector-gst',
  portal: 'gst',
  schema: 'connector_gst',
  loadConfig: () => loadConnectorGstConfig(),
  secretKeys: ['GST_PUBLIC_KEY_PEM'],
};
