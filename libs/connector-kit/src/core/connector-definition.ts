import { MessagingMigrations } from '@practice-sync/messaging';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';
import { migrateAndExit } from '@practice-sync/persistence';

import { ConnectorKitMigrations } from '../migrations/1763769700000-CreateConnectorTables';
import type { ConnectorEnv } from './connector-config';
import type { ConnectorFamily } from './connector-family';

/**
 * Who a connector is: what its `main.ts`, `migrate.ts`, database options and module wiring all derive from,
 * so that none of them is written per connector.
 */
export interface ConnectorDefinition<C extends ConnectorEnv = ConnectorEnv> {
  /** Service name: the logger's, the Kafka client id, the database application name (`connector-gst`). */
  service: string;
  portal: ConnectorFamily;
  /** The PostgreSQL schema the connector owns (`connector_gst`). */
  schema: string;
  /** Reads and validates the environment once, at boot. */
  loadConfig(): C;
  /** Config keys holding secrets beyond the kit's own (masked in the boot log). */
  secretKeys?: readonly (keyof C & string)[];
  /** The connector's own migrations, run after the messaging and kit tables. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: readonly Function[];
}

/** The database options of a connector: its schema, the messaging and kit migrations, then its own. */
export function connectorDatabaseOptions<C extends ConnectorEnv>(
  connector: ConnectorDefinition<C>,
  config: C,
): ServiceDataSourceOptions {
  return {
    url: config.DATABASE_URL,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    schema: connector.schema,
    entities: [],
    migrations: [...MessagingMigrations, ...ConnectorKitMigrations, ...(connector.migrations ?? [])],
    applicationName: connector.service,
  };
}

/** The body of a connector's `src/migrate.ts` (`nx run <connector>:migrate`, the stack and Docker scripts). */
export function migrateConnector<C extends ConnectorEnv>(connector: ConnectorDefinition<C>): Promise<void> {
  return migrateAndExit(connectorDatabaseOptions(connector, connector.loadConfig()));
}
