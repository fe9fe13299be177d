import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ConnectorKitModule, connectorSettingsFrom } from '@practice-sync/connector-kit';
import { Topics } from '@practice-sync/contracts';
import { MessagingModule } from '@practice-sync/messaging';
import { ObservabilityModule } from '@practice-sync/observability';
import { PersistenceModule } from '@practice-sync/persistence';

import type { ConnectorGstConfig } from './config/connector-gst.config';
import { SERVICE_NAME } from './config/connector-gst.config';
import { connectorGstDatabaseOptions } from './database.options';
import { Gstr2bFetcher } from './gstr2b/gstr2b.fetcher';

@Module({})
export class AppModule {
  static forRoot(config: ConnectorGstConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logLevel: config.LOG_LEVEL }),
        PersistenceModule.forRoot(connectorGstDatabaseOptions(config)),
        MessagingModule.forRoot({
          config: {
            brokers: config.KAFKA_BROKERS,
            clientId: SERVICE_NAME,
            topicPrefix: config.KAFKA_TOPIC_PREFIX,
            partitions: config.KAFKA_PARTITIONS,
          },
          topics: [Topics.JobsGst, Topics.Results],
          logLevel: config.LOG_LEVEL,
        }),
        ConnectorKitModule.forRoot({
          portal: 'gst',
          settings: connectorSettingsFrom(config),
          fetchers: (http) => [new Gstr2bFetcher(http, { apiVersion: config.GST_GSTR2B_API_VERSION })],
        }),
      ],
    };
  }
}
