import { connectorDatabaseOptions } from '@practice-sync/connector-kit';
import type { ServiceDataSourceOptions } from '@practice-sync/persistence';

import type { ConnectorItrConfig } from './config/connector-itr.config';
import { CONNECTOR_ITR } from './config/connector-itr.config';

/** For the specs that migrate a scratch database; the connector itself goes through ConnectorKitModule. */
export function connectorItrDatabaseOptions(config: ConnectorItrConfig): ServiceDataSourceOptions {
  return connectorDatabaseOptions(CONNECTOR_ITR, config);
}
