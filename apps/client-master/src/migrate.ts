import { migrateAndExit } from '@practice-sync/persistence';

import { clientMasterDataSourceOptions } from './client-master-data-source';
import { loadClientMasterConfig } from './config/client-master.config';

void migrateAndExit(clientMasterDataSourceOptions(loadClientMasterConfig()));
