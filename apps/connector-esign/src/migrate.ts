import 'reflect-metadata';

import { migrateConnector } from '@practice-sync/connector-kit';

import { CONNECTOR_ESIGN } from './config/connector-esign.config';

void migrateConnector(CONNECTOR_ESIGN);
