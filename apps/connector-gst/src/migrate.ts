import 'reflect-metadata';

import { migrateAndExit } from '@practice-sync/persistence';

import { loadConnectorGstConfig } from './config/connector-gst.config';
import { connectorGstDatabaseOptions } from './database.options';

void migrateAndExit(connectorGstDatabaseOptions(loadConnectorGstConfig()));
