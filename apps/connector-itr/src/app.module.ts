import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ConnectorKitContext, ConnectorKitModule } from '@practice-sync/connector-kit';

import type { ConnectorItrConfig } from './config/connector-itr.config';
import { CONNECTOR_ITR } from './config/connector-itr.config';
import { ItrCredentialsController } from './credentials/itr-credentials.controller';
import { FilingStatusFetcher } from './filing-status/filing-status.fetcher';
import { ItrApi } from './itr-api/itr-api.client';
import { ITR_ACCOUNT, ItrSessionService } from './itr-api/itr-session.service';
import { NoticesOrdersFetcher } from './notices-orders/notices-orders.fetcher';
import { ReturnsFetcher } from './returns/returns.fetcher';
import { StatementsFetcher } from './statements/statements.fetcher';

@Module({})
export class AppModule {
  static forRoot(config: ConnectorItrConfig): DynamicModule {
    const module = ConnectorKitModule.forConnector(CONNECTOR_ITR, config, (_c, settings) => ({
      controllers: [ItrCredentialsController],
      // A job needs the firm's ERI account and its PAN's consent.
      accessIdentifiers: (job) => [ITR_ACCOUNT, job.subject.value],
      sessionClient: {
        provide: ItrSessionService,
        useFactory: (kit) =>
          new ItrSessionService(kit.http, kit.access, kit.metrics, {
            requireCredentials: settings.credentials.required,
          }),
      },
      providers: [
        {
          provide: ItrApi,
          inject: [ConnectorKitContext, ItrSessionService],
          useFactory: (kit: ConnectorKitContext, sessions: ItrSessionService) =>
            new ItrApi(kit.http, sessions),
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
    }));
    return { module: AppModule, imports: [module] };
  }
}
