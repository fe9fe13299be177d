import 'reflect-metadata';

import { bootstrapConnector } from '@practice-sync/connector-kit';

import { AppModule } from './app.module';
import { CONNECTOR_ITR } from './config/connector-itr.config';

void bootstrapConnector(CONNECTOR_ITR, (config) => AppModule.forRoot(config));
