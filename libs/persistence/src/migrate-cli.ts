import type { ServiceDataSourceOptions } from './data-source';
import { runServiceMigrations } from './data-source';

/**
 * The body of each service's `src/migrate.ts` (the `nx run <app>:migrate` target and the stack scripts):
 * applies pending migrations, prints what it did, exits non-zero on failure.
 */
export async function migrateAndExit(opts: ServiceDataSourceOptions): Promise<void> {
  try {
    const applied = await runServiceMigrations(opts);
    process.stdout.write(
      `${opts.schema}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema is up to date'}\n`,
    );
    process.exit(0);
  } catch (e) {
    process.stderr.write(`${opts.schema}: migration failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
