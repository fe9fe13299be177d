import { migrateAndExit } from '@practice-sync/persistence';

import { loadGatewayConfig } from './config/gateway.config';
import { gatewayDataSourceOptions } from './gateway-data-source';

void migrateAndExit(gatewayDataSourceOptions(loadGatewayConfig()));
