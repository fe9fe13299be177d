import type { ServiceDataSourceOptions } from './data-source';
import { createServiceDataSource } from './data-source';

/**
 * Applies every migration to an empty copy of the service's schema, then asks TypeORM which statements it would
 * still need to make the database match the entities. An empty list means migrations and entities agree;
 * each service has an integration test asserting exactly that (CI fails on drift).
 */
export async function pendingSchemaChanges(opts: ServiceDataSourceOptions): Promise<string[]> {
  const ds = createServiceDataSource({ ...opts, poolSize: 1 });
  await ds.initialize();
  try {
    await ds.query(`DROP SCHEMA IF EXISTS "${opts.schema}" CASCADE`);
    await ds.query(`CREATE SCHEMA "${opts.schema}"`);
    await ds.runMigrations({ transaction: 'each' });
    const sql = await ds.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query);
  } finally {
    await ds.query(`DROP SCHEMA IF EXISTS "${opts.schema}" CASCADE`).catch(() => undefined);
    await ds.destroy();
  }
}
