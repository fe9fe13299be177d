import 'reflect-metadata';

import { migrateAndExit } from '@practice-sync/persistence';

import { loadConnectorItrConfig } from './config/connector-itr.config';
import { connectorItrDatabaseOptions } from './database.options';

void migrateAndExit(connectorItrDatabaseOptions(loadConnectorItrConfig()));
