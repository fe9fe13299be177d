import 'reflect-metadata';

import { migrateConnector } from '@practice-sync/connector-kit';

import { CONNECTOR_ITR } from './config/connector-itr.config';

void migrateConnector(CONNECTOR_ITR);
