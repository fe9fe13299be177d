import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';

import type { ConnectorEsignConfig } from './config/connector-esign.config';
import { CONNECTOR_ESIGN } from './config/connector-esign.config';

/** For the specs that migrate a scratch database; the connector itself goes through ConnectorKitModule. */
export function connectorEsignDatabaseOptions(config: ConnectorEsignConfig): ServiceDataSourceOptions {
  return connectorDatabaseOptions(CONNECTOR_ESIGN, config);
}
