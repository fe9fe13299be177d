import { loadConfig } from '@practice-sync/config';
import type { ConnectorDefinition } from '@practice-sync/connector-kit';
import { connectorEnv } from '@practice-sync/connector-kit';
import { z } from 'zod';

import { CreateBooksTables1765000000100 } from '../migrations/1765000000100-CreateBooksTables';
import { CreateBooksHeldChanges1795620000001 } from '../migrations/1795620000001-CreateBooksHeldChanges';
import { CreateSnapshotTables1795630000001 } from '../migrations/1795630000001-CreateSnapshotTables';
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
  /** On-demand links: how long held changes wait for their receiver before they expire (default 7 days). */
  BOOKS_HOLD_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .max(90 * 86_400_000)
    .default(7 * 86_400_000),
  /**
   * The clock holds are measured on: unset, the system clock; else a URL answering JSON `{ now }` (the
   * sandbox's `/_sandbox/clock` in tests and demos, so sandbox days can pass).
   */
  BOOKS_CLOCK_URL: z.string().url('must be an http(s) URL answering { now }').optional(),
  /** Objects per snapshot chunk (one Import request, acknowledged and recorded before the next is sent). */
  BOOKS_SNAPSHOT_CHUNK_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
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
  migrations: [
    CreateBooksTables1765000000100,
    CreateBooksHeldChanges1795620000001,
    CreateSnapshotTables1795630000001,
    CreateBooksConflicts1795640000001,
  ],
};
