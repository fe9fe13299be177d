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

import type { ConnectorItrConfig } from './config/connector-itr.config';
import { SERVICE_NAME } from './config/connector-itr.config';
import { ItrCredentialsController } from './credentials/itr-credentials.controller';
import { connectorItrDatabaseOptions } from './database.options';
import { FilingStatusFetcher } from './filing-status/filing-status.fetcher';
import { ItrApi } from './itr-api/itr-api.client';
import { ItrSessionService } from './itr-api/itr-session.service';
import { NoticesOrdersFetcher } from './notices-orders/notices-orders.fetcher';
import { ReturnsFetcher } from './returns/returns.fetcher';
import { StatementsFetcher } from './statements/statements.fetcher';

@Module({})
export class AppModule {
  static forRoot(config: ConnectorItrConfig): DynamicModule {
    const settings = connectorSettingsFrom(config);
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logLevel: config.LOG_LEVEL }),
        PersistenceModule.forRoot(connectorItrDatabaseOptions(config)),
        MessagingModule.forRoot({
          config: messagingConfig(SERVICE_NAME, config),
          topics: [Topics.JobsItr, Topics.Results, Topics.Records],
          logLevel: config.LOG_LEVEL,
        }),
        ConnectorKitModule.forRoot({
          portal: 'itr',
          settings,
          controllers: [ItrCredentialsController],
          providers: [
            {
              provide: ItrSessionService,
              inject: [PortalHttpClient, AccessStore, ConnectorMetrics, CONNECTOR_SETTINGS],
              useFactory: (
                http: PortalHttpClient,
                access: AccessStore,
                metrics: ConnectorMetrics,
                s: ConnectorSettings,
              ) =>
                new ItrSessionService(http, access, metrics, { requireCredentials: s.credentials.required }),
            },
            {
              provide: ItrApi,
              inject: [PortalHttpClient, ItrSessionService],
              useFactory: (http: PortalHttpClient, sessions: ItrSessionService) => new ItrApi(http, sessions),
            },
          ],
          fetchers: {
            inject: [ItrApi],
            useFactory: (api: ItrApi) => [
              new FilingStatusFetcher(api),
              new ReturnsFetcher(api),
              new NoticesOrdersFetcher(api),
              new StatementsFetcher(api, {
                waitMaxMs: settings.asyncWait.maxMs,
                pollIntervalMs: settings.asyncWait.pollIntervalMs,
              }),
            ],
          },
        }),
      ],
    };
  }
}
