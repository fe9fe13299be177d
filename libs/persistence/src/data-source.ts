import { Client } from 'pg';
import type { DataSourceOptions, MixedList } from 'typeorm';
import { DataSource } from 'typeorm';

import { preparingClient, StatementNames } from './prepared-statements';
import { resilientClient } from './resilient-client';
import { countingClient } from './statement-counts';

export interface ServiceDataSourceOptions {
  /** postgres://user@host:port/database */
  url: string;
  /** The PostgreSQL schema this service owns (e.g. `client_master`); nothing else writes to it. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
  applicationName?: string;
  /**
   * How many distinct parameterised statements are run as named prepared statements (parsed and planned once
   * per connection, not on every run); 0 sends every statement unnamed. Default 100. Set 0 behind a pooler
   * that cannot keep prepared statements across transactions (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: number;
}

/**
 * The default of `ServiceDataSourceOptions.preparedStatements`. A 100-client pipeline run used at most 35 distinct
 * parameterised texts per service; a prepared 55-column join with its generic plan holds ~160 KB of a backend's
 * memory, so 100 bounds a backend's prepared statements to ~16 MB at worst.
 */
export const DEFAULT_PREPARED_STATEMENTS = 100;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/** TypeORM options for one service: its own schema, explicit migrations, never `synchronize`. */
export function serviceDataSourceOptions(opts: ServiceDataSourceOptions): DataSourceOptions {
  if (!SCHEMA_NAME.test(opts.schema)) throw new Error(`invalid schema name "${opts.schema}"`);
  const prepared = opts.preparedStatements ?? DEFAULT_PREPARED_STATEMENTS;
  if (!Number.isInteger(prepared) || prepared < 0) {
    throw new Error(
      `preparedStatements must be a whole number ≥ 0 (0 turns prepared statements off), got ${prepared}`,
    );
  }
  return {
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    applicationName: opts.applicationName ?? opts.schema,
    poolSize: opts.poolSize ?? 10,
    // Unqualified names in raw SQL (migrations, queries) resolve to the service's own schema.
    extra: {
      options: `-c search_path=${opts.schema},public`,
      // A dropped connection must never kill the process (resilient-client.ts).
      // Statement counting (statement-counts.ts) only where asked for (`DB_STATEMENT_COUNTS=true`, as the
      // pipeline bench does): a few string tests per statement that production does not need.
      Client: resilientClient(
        process.env['DB_STATEMENT_COUNTS'] === 'true'
          ? countingClient(prepared > 0 ? preparingClient(new StatementNames(prepared)) : Client)
          : prepared > 0
            ? preparingClient(new StatementNames(prepared))
            : undefined,
      ),
    },
  };
}

export function createServiceDataSource(opts: ServiceDataSourceOptions): DataSource {
  return new DataSource(serviceDataSourceOptions(opts));
}

/** Creates the schema if needed and applies pending migrations. Returns the names applied. */
export async function runServiceMigrations(opts: ServiceDataSourceOptions): Promise<string[]> {
  const ds = createServiceDataSource({ ...opts, poolSize: 1 });
  await ds.initialize();
  try {
    await ds.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema}"`);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

/** True when every migration has been applied (used by the drift check and readiness). */
export async function hasPendingMigrations(opts: ServiceDataSourceOptions): Promise<boolean> {
  const ds = createServiceDataSource({ ...opts, poolSize: 1 });
  await ds.initialize();
  try {
    await ds.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema}"`);
    return await ds.showMigrations();
  } finally {
    await ds.destroy();
  }
}
