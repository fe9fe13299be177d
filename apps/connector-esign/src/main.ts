import 'reflect-metadata';

import { bootstrapConnector } from '@practice-sync/connector-kit';

import { AppModule } from './app.module';
import { CONNECTOR_ESIGN } from './config/connector-esign.config';

void bootstrapConnector(CONNECTOR_ESIGN, (config) => AppModule.forRoot(config));
