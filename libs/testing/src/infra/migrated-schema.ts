import { randomBytes } from 'node:crypto';

import type { ServiceDataSourceOptions } from '@practice-sync/persistence';
import { createServiceDataSource, runServiceMigrations } from '@practice-sync/persistence';
import type { DataSource } from 'typeorm';

export interface MigratedSchema {
  /** Initialised; the spec destroys it. */
  dataSource: DataSource;
  /** What it was made from (for a second DataSource on the same schema). */
  options: ServiceDataSourceOptions;
}

/**
 * A schema of its own in the test run's database (from the integration project's global setup), migrated with
 * `migrations`, and a DataSource on it: the set-up of a spec that tests a store on a real PostgreSQL.
 */
export async function migratedSchema(
  prefix: string,
  migrations: ServiceDataSourceOptions['migrations'],
): Promise<MigratedSchema> {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is not set: run through `npm run test:integration`');
  const options: ServiceDataSourceOptions = {
    url,
    schema: `${prefix}_${randomBytes(4).toString('hex')}`,
    entities: [],
    migrations,
  };
  await runServiceMigrations(options);
  const dataSource = createServiceDataSource(options);
  await dataSource.initialize();
  return { dataSource, options };
}
