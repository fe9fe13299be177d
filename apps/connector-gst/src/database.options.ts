import { ConnectorKitMigrations } from '@practice-sync/connector-kit';
import { MessagingMigrations } from '@practice-sync/messaging';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';

import type { ConnectorGstConfig } from './config/connector-gst.config';
import { DATABASE_SCHEMA, SERVICE_NAME } from './config/connector-gst.config';

export function connectorGstDatabaseOptions(config: ConnectorGstConfig): ServiceDataSourceOptions {
  return {
    url: config.DATABASE_URL,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    schema: DATABASE_SCHEMA,
    entities: [],
    migrations: [...MessagingMigrations, ...ConnectorKitMigrations],
    applicationName: SERVICE_NAME,
  };
}
