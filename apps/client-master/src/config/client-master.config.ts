import { baseServiceEnv, loadConfig } from '@practice-sync/config';
import type { z } from 'zod';

export const ClientMasterConfigSchema = baseServiceEnv(3001);

export type ClientMasterConfig = z.output<typeof ClientMasterConfigSchema>;

/** Masked when the config is logged: the URL may carry a password. */
export const CLIENT_MASTER_SECRETS = ['DATABASE_URL'] as const;

export function loadClientMasterConfig(
  env: Record<string, string | undefined> = process.env,
): ClientMasterConfig {
  return loadConfig(ClientMasterConfigSchema, env);
}
