import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ConnectorKitContext, ConnectorKitModule } from '@practice-sync/connector-kit';

import type { ConnectorGstConfig } from './config/connector-gst.config';
import { CONNECTOR_GST } from './config/connector-gst.config';
import { GstCredentialsController } from './credentials/gst-credentials.controller';
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
    const module = ConnectorKitModule.forConnector(CONNECTOR_GST, config, (c, settings) => ({
      controllers: [GstCredentialsController],
      // A job's session is its GSTIN's.
      accessIdentifiers: (job) => [job.subject.value],
      sessionClient: {
        provide: GstSessionService,
        useFactory: (kit) =>
          new GstSessionService(kit.http, kit.access, kit.metrics, {
            authVersion: c.GST_AUTH_API_VERSION,
            encryption: c.GST_ENCRYPTION === 'on',
            publicKeyPem: c.GST_PUBLIC_KEY_PEM,
            publicKeyPath: c.GST_PUBLIC_KEY_PATH,
            requireCredentials: settings.credentials.required,
            refreshMarginMs: settings.sessionRefreshMarginMs,
          }),
      },
      providers: [
        {
          provide: GstSessionRefresher,
          inject: [ConnectorKitContext, GstSessionService],
          useFactory: (kit: ConnectorKitContext, sessions: GstSessionService) =>
            new GstSessionRefresher(kit.access, sessions, kit.logger, settings.sessionRefreshMarginMs),
        },
        {
          provide: GstApi,
          inject: [ConnectorKitContext, GstSessionService],
          useFactory: (kit: ConnectorKitContext, sessions: GstSessionService) =>
            new GstApi(kit.http, sessions, {
              returnsVersion: c.GST_RETURNS_API_VERSION,
              asyncWaitMaxMs: settings.asyncWait.maxMs,
              asyncPollIntervalMs: settings.asyncWait.pollIntervalMs,
            }),
        },
      ],
      fetchers: {
        inject: [GstApi],
        useFactory: (api: GstApi) =>
          [
            new Gstr2bFetcher(api, { apiVersion: c.GST_GSTR2B_API_VERSION }),
            new Gstr1Fetcher(api, {
              gstr1Version: c.GST_GSTR1_API_VERSION,
              gstr1aVersion: c.GST_GSTR1A_API_VERSION,
            }),
            new Ims2aFetcher(api, {
              imsVersion: c.GST_IMS_API_VERSION,
              gstr2aVersion: c.GST_GSTR2A_API_VERSION,
            }),
            new Gstr3bLedgersFetcher(api, {
              gstr3bVersion: c.GST_GSTR3B_API_VERSION,
              ledgerVersion: c.GST_LEDGER_API_VERSION,
            }),
            new NoticesRegisterFetcher(api, {
              noticesVersion: c.GST_NOTICES_API_VERSION,
              commonVersion: c.GST_COMMON_API_VERSION,
            }),
          ].map((fetcher) => explainingNoData(fetcher, api)),
      },
    }));
    return { module: AppModule, imports: [module] };
  }
}
