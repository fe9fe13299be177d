import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ConnectorKitModule, connectorSettingsFrom } from '@practice-sync/connector-kit';
import { Topics } from '@practice-sync/contracts';
import { MessagingModule } from '@practice-sync/messaging';
import { ObservabilityModule } from '@practice-sync/observability';
import { PersistenceModule } from '@practice-sync/persistence';

import type { ConnectorEsignConfig } from './config/connector-esign.config';
import { SERVICE_NAME } from './config/connector-esign.config';
import { connectorEsignDatabaseOptions } from './database.options';
import { SignatureTimestampsFetcher } from './signature-timestamps/signature-timestamps.fetcher';

@Module({})
export class AppModule {
  static forRoot(config: ConnectorEsignConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logLevel: config.LOG_LEVEL }),
        PersistenceModule.forRoot(connectorEsignDatabaseOptions(config)),
        MessagingModule.forRoot({
          config: {
            brokers: config.KAFKA_BROKERS,
            clientId: SERVICE_NAME,
            topicPrefix: config.KAFKA_TOPIC_PREFIX,
            partitions: config.KAFKA_PARTITIONS,
          },
          topics: [Topics.JobsEsign, Topics.Results],
          logLevel: config.LOG_LEVEL,
        }),
        ConnectorKitModule.forRoot({
          portal: 'esign',
          settings: connectorSettingsFrom(config),
          fetchers: (http) => [new SignatureTimestampsFetcher(http)],
        }),
      ],
    };
  }
}
