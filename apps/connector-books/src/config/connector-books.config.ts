import { loadConfig } from '@practice-sync/config';
import type { ConnectorDefinition } from '@practice-sync/connector-kit';
import { connectorEnv } from '@practice-sync/connector-kit';
import { z } from 'zod';

import { CreateBooksTables1765000000100 } from '../migrations/1765000000100-CreateBooksTables';
import { CreateBooksConflicts1795640000001 } from '../migrations/1795640000001-CreateBooksConflicts';

/**
 * The kit's variables (PORTAL_BASE_URL is unused: each job names its companies' books URLs; the rate limits
 * apply per books server) and the books exchange's own.
 */
export const ConnectorBooksEnvSchema = connectorEnv(3006, 'http://127.0.0.1:3100/books').extend({
  /** Objects per Import request (the sandbox accepts 64 MB; ~1,000 objects is comfortable). */
  BOOKS_IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /** ALTERIDs per Export page (`$AlterID > a AND $AlterID <= a + n`). */
  BOOKS_EXPORT_WINDOW: z.coerce.number().int().min(1).max(100_000).default(1000),
});

export type ConnectorBooksConfig = z.output<typeof ConnectorBooksEnvSchema>;

/** Reads and validates the environment once, at boot; throws naming every bad variable. */
export function loadConnectorBooksConfig(env?: Record<string, string | undefined>): ConnectorBooksConfig {
  return env ? loadConfig(ConnectorBooksEnvSchema, env) : loadConfig(ConnectorBooksEnvSchema);
}

/** What main.ts, migrate.ts and the database options of connector-books derive from. */
export const CONNECTOR_BOOKS: ConnectorDefinition<ConnectorBooksConfig> = {
  service: 'connector-books',
  portal: 'books',
  schema: 'connector_books',
  loadConfig: () => loadConnectorBooksConfig(),
  migrations: [CreateBooksTables1765000000100, CreateBooksConflicts1795640000001],
};
