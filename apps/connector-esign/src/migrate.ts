import 'reflect-metadata';

import { migrateAndExit } from '@practice-sync/persistence';

import { loadConnectorEsignConfig } from './config/connector-esign.config';
import { connectorEsignDatabaseOptions } from './database.options';

void migrateAndExit(connectorEsignDatabaseOptions(loadConnectorEsignConfig()));
