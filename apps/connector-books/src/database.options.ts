import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';

import type { ConnectorBooksConfig } from './config/connector-books.config';
import { CONNECTOR_BOOKS } from './config/connector-books.config';

/** For the specs that migrate a scratch database; the connector itself goes through ConnectorKitModule. */
export function connectorBooksDatabaseOptions(config: ConnectorBooksConfig): ServiceDataSourceOptions {
  return connectorDatabaseOptions(CONNECTOR_BOOKS, config);
}
