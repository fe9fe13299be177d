import 'reflect-metadata';

import { migrateConnector } from '@practice-sync/connector-kit';

import { CONNECTOR_BOOKS } from './config/connector-books.config';

void migrateConnector(CONNECTOR_BOOKS);
