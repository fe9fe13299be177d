import { ConnectorKitMigrations } from '@practice-sync/connector-kit';
import { MessagingMigrations } from '@practice-sync/messaging';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';

import type { ConnectorItrConfig } from './config/connector-itr.config';
import { DATABASE_SCHEMA, SERVICE_NAME } from './config/connector-itr.config';

export function connectorItrDatabaseOptions(config: ConnectorItrConfig): ServiceDataSourceOptions {
  return {
    url: config.DATABASE_URL,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    schema: DATABASE_SCHEMA,
    entities: [],
    migrations: [...MessagingMigrations, ...ConnectorKitMigrations],
    applicationName: SERVICE_NAME,
  };
}
