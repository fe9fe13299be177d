import { ConnectorKitMigrations } from '@practice-sync/connector-kit';
import { MessagingMigrations } from '@practice-sync/messaging';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';

import type { ConnectorEsignConfig } from './config/connector-esign.config';
import { DATABASE_SCHEMA, SERVICE_NAME } from './config/connector-esign.config';

export function connectorEsignDatabaseOptions(config: ConnectorEsignConfig): ServiceDataSourceOptions {
  return {
    url: config.DATABASE_URL,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    schema: DATABASE_SCHEMA,
    entities: [],
    migrations: [...MessagingMigrations, ...ConnectorKitMigrations],
    applicationName: SERVICE_NAME,
  };
}
