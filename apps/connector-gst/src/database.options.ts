import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';

import type { ConnectorGstConfig } from './config/connector-gst.config';
import { CONNECTOR_GST } from './config/connector-gst.config';

/** For the specs that migrate a scratch database; the connector itself goes through ConnectorKitModule. */
export function connectorGstDatabaseOptions(config: ConnectorGstConfig): ServiceDataSourceOptions {
  return connectorDatabaseOptions(CONNECTOR_GST, config);
}
