import 'reflect-metadata';

import { migrateConnector } from '@practice-sync/connector-kit';

import { CONNECTOR_GST } from './config/connector-gst.config';

void migrateConnector(CONNECTOR_GST);
