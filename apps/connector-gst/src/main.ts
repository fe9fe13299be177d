import 'reflect-metadata';

import { bootstrapConnector } from '@practice-sync/connector-kit';

import { AppModule } from './app.module';
import { CONNECTOR_GST } from './config/connector-gst.config';

void bootstrapConnector(CONNECTOR_GST, (config) => AppModule.forRoot(config));
