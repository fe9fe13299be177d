import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { ConnectorSettings } from '@practice-sync/connector-kit';
import {
  AccessStore,
  CONNECTOR_LOGGER,
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
import type { Logger } from 'pino';

import type { ConnectorGstConfig } from './config/connector-gst.config';
import { SERVICE_NAME } from './config/connector-gst.config';
import { GstCredentialsController } from './credentials/gst-credentials.controller';
import { connectorGstDatabaseOptions } from './database.options';
import { GstApi } from './gst-api/gst-api.client';
import { GstSessionService } from './gst-api/gst-session.service';
import { GstSessionRefresher } from './gst-api/gst-session-refresher';
import { explainingNoData } from './gst-api/no-data-reason';
import { Gstr1Fetcher } from './gstr1/gstr1.fetcher';
import { Gstr2bFetcher } from './gstr2b/gstr2b.fetcher';
import { Gstr3bLedgersFetcher } from './gstr3b-ledgers/gstr3b-ledgers.fetcher';
import { Ims2aFetcher } from './ims-2a/ims-2a.fetcher';
import { NoticesRegisterFetcher } from './notices-register/notices-register.fetcher';

@Module({})
export class AppModule {
  static forRoot(config: ConnectorGstConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logLevel: config.LOG_LEVEL }),
        PersistenceModule.forRoot(connectorGstDatabaseOptions(config)),
        MessagingModule.forRoot({
          config: messagingConfig(SERVICE_NAME, config),
          topics: [Topics.JobsGst, Topics.Results, Topics.Records],
          logLevel: config.LOG_LEVEL,
        }),
        ConnectorKitModule.forRoot({
          portal: 'gst',
          settings: connectorSettingsFrom(config),
          controllers: [GstCredentialsController],
          providers: [
            {
              provide: GstSessionService,
              inject: [PortalHttpClient, AccessStore, ConnectorMetrics, CONNECTOR_SETTINGS],
              useFactory: (
                http: PortalHttpClient,
                access: AccessStore,
                metrics: ConnectorMetrics,
                settings: ConnectorSettings,
              ) =>
                new GstSessionService(http, access, metrics, {
                  authVersion: config.GST_AUTH_API_VERSION,
                  encryption: config.GST_ENCRYPTION === 'on',
                  publicKeyPem: config.GST_PUBLIC_KEY_PEM,
                  publicKeyPath: config.GST_PUBLIC_KEY_PATH,
                  requireCredentials: settings.credentials.required,
                  refreshMarginMs: settings.sessionRefreshMarginMs,
                }),
            },
            {
              provide: GstSessionRefresher,
              inject: [AccessStore, GstSessionService, CONNECTOR_LOGGER, CONNECTOR_SETTINGS],
              useFactory: (
                access: AccessStore,
                sessions: GstSessionService,
                logger: Logger,
                settings: ConnectorSettings,
              ) => new GstSessionRefresher(access, sessions, logger, settings.sessionRefreshMarginMs),
            },
            {
              provide: GstApi,
              inject: [PortalHttpClient, GstSessionService, CONNECTOR_SETTINGS],
              useFactory: (
                http: PortalHttpClient,
                sessions: GstSessionService,
                settings: ConnectorSettings,
              ) =>
                new GstApi(http, sessions, {
                  returnsVersion: config.GST_RETURNS_API_VERSION,
                  asyncWaitMaxMs: settings.asyncWait.maxMs,
                  asyncPollIntervalMs: settings.asyncWait.pollIntervalMs,
                }),
            },
          ],
          fetchers: {
            inject: [GstApi],
            useFactory: (api: GstApi) =>
              [
                new Gstr2bFetcher(api, { apiVersion: config.GST_GSTR2B_API_VERSION }),
                new Gstr1Fetcher(api, {
                  gstr1Version: config.GST_GSTR1_API_VERSION,
                  gstr1aVersion: config.GST_GSTR1A_API_VERSION,
                }),
                new Ims2aFetcher(api, {
                  imsVersion: config.GST_IMS_API_VERSION,
                  gstr2aVersion: config.GST_GSTR2A_API_VERSION,
                }),
                new Gstr3bLedgersFetcher(api, {
                  gstr3bVersion: config.GST_GSTR3B_API_VERSION,
                  ledgerVersion: config.GST_LEDGER_API_VERSION,
                }),
                new NoticesRegisterFetcher(api, {
                  noticesVersion: config.GST_NOTICES_API_VERSION,
                  commonVersion: config.GST_COMMON_API_VERSION,
                }),
              ].map((fetcher) => explainingNoData(fetcher, api)),
          },
        }),
      ],
    };
  }
}
