import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ConnectorKitContext, ConnectorKitModule } from '@practice-sync/connector-kit';

import type { ConnectorEsignConfig } from './config/connector-esign.config';
import { CONNECTOR_ESIGN } from './config/connector-esign.config';
import { EsignCredentialsController } from './credentials/esign-credentials.controller';
import { ESIGN_ACCOUNT, EsignAccessService } from './esign-api/esign-access.service';
import { SignatureTimestampsFetcher } from './signature-timestamps/signature-timestamps.fetcher';

@Module({})
export class AppModule {
  static forRoot(config: ConnectorEsignConfig): DynamicModule {
    const module = ConnectorKitModule.forConnector(CONNECTOR_ESIGN, config, (_c, settings) => ({
      controllers: [EsignCredentialsController],
      accessIdentifiers: () => [ESIGN_ACCOUNT],
      sessionClient: {
        provide: EsignAccessService,
        useFactory: (kit) =>
          new EsignAccessService(kit.http, kit.access, kit.metrics, settings.credentials.required),
      },
      fetchers: {
        inject: [ConnectorKitContext, EsignAccessService],
        useFactory: (kit: ConnectorKitContext, access: EsignAccessService) => [
          new SignatureTimestampsFetcher(kit.http, access),
        ],
      },
    }));
    return { module: AppModule, imports: [module] };
  }
}
