import 'reflect-metadata';

import { bootstrapConnector } from '@practice-sync/connector-kit';

import { AppModule } from './app.module';
import { CONNECTOR_BOOKS } from './config/connector-books.config';

void bootstrapConnector(CONNECTOR_BOOKS, (config) => AppModule.forRoot(config));
