import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { ConnectorSettings } from '@practice-sync/connector-kit';
import {
  AccessStore,
  CONNECTOR_SETTINGS,
  ConnectorKitModule,
  ConnectorMetrics,
  connectorSettingsFrom,
  PortalHttpClient,
} from '@practice-sync/connector-kit';
import { Topics } from '@practice-sync/contracts';
import { messagingConfig, MessagingModule } from '@practice-sync/messaging';
import { ObservabilityModule } from '@practice-sync/observability';
import { PersistenceModule } from '@practice-sync/persistence';

import type { ConnectorEsignConfig } from './config/connector-esign.config';
import { SERVICE_NAME } from './config/connector-esign.config';
import { EsignCredentialsController } from './credentials/esign-credentials.controller';
import { connectorEsignDatabaseOptions } from './database.options';
import { EsignAccessService } from './esign-api/esign-access.service';
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
          config: messagingConfig(SERVICE_NAME, config),
          topics: [Topics.JobsEsign, Topics.Results, Topics.Records],
          logLevel: config.LOG_LEVEL,
        }),
        ConnectorKitModule.forRoot({
          portal: 'esign',
          settings: connectorSettingsFrom(config),
          controllers: [EsignCredentialsController],
          providers: [
            {
              provide: EsignAccessService,
              inject: [AccessStore, ConnectorMetrics, CONNECTOR_SETTINGS],
              useFactory: (access: AccessStore, metrics: ConnectorMetrics, s: ConnectorSettings) =>
                new EsignAccessService(access, metrics, s.credentials.required),
            },
          ],
          fetchers: {
            inject: [PortalHttpClient, EsignAccessService],
            useFactory: (http: PortalHttpClient, access: EsignAccessService) => [
              new SignatureTimestampsFetcher(http, access),
            ],
          },
        }),
      ],
    };
  }
}
