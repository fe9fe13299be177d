import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ConnectorKitModule, connectorSettingsFrom } from '@practice-sync/connector-kit';
import { Topics } from '@practice-sync/contracts';
import { MessagingModule } from '@practice-sync/messaging';
import { ObservabilityModule } from '@practice-sync/observability';
import { PersistenceModule } from '@practice-sync/persistence';

import type { ConnectorItrConfig } from './config/connector-itr.config';
import { SERVICE_NAME } from './config/connector-itr.config';
import { connectorItrDatabaseOptions } from './database.options';
import { FilingStatusFetcher } from './filing-status/filing-status.fetcher';

@Module({})
export class AppModule {
  static forRoot(config: ConnectorItrConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logLevel: config.LOG_LEVEL }),
        PersistenceModule.forRoot(connectorItrDatabaseOptions(config)),
        MessagingModule.forRoot({
          config: {
            brokers: config.KAFKA_BROKERS,
            clientId: SERVICE_NAME,
            topicPrefix: config.KAFKA_TOPIC_PREFIX,
            partitions: config.KAFKA_PARTITIONS,
          },
          topics: [Topics.JobsItr, Topics.Results],
          logLevel: config.LOG_LEVEL,
        }),
        ConnectorKitModule.forRoot({
          portal: 'itr',
          settings: connectorSettingsFrom(config),
          fetchers: (http) => [new FilingStatusFetcher(http)],
        }),
      ],
    };
  }
}
