import type { DynamicModule, MiddlewareConsumer, NestModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { Topics } from '@practice-sync/contracts';
import { messagingConfig, MessagingModule } from '@practice-sync/messaging';
import { ObservabilityModule } from '@practice-sync/observability';
import { PersistenceModule } from '@practice-sync/persistence';
import { storableTextMiddleware } from '@practice-sync/problems';

import { BranchLinksModule } from './branch-links/branch-links.module';
import { clientMasterDataSourceOptions } from './client-master-data-source';
import { ClientsModule } from './clients/clients.module';
import { CompaniesModule } from './companies/companies.module';
import type { ClientMasterConfig } from './config/client-master.config';
import { LinkStateModule } from './link-state/link-state.module';
import { NoticesModule } from './notices/notices.module';
import { RecordsModule } from './records/records.module';
import { StatusModule } from './status/status.module';

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: ClientMasterConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'client-master', logLevel: config.LOG_LEVEL }),
        PersistenceModule.forRoot(clientMasterDataSourceOptions(config)),
        MessagingModule.forRoot({
          config: messagingConfig('client-master', config),
          topics: [
            Topics.Results,
            Topics.Records,
            Topics.ClientEvents,
            Topics.JobsBooks,
            Topics.BooksResults,
            Topics.BooksLinks,
          ],
          logLevel: config.LOG_LEVEL,
        }),
        ClientsModule,
        StatusModule,
        RecordsModule,
        NoticesModule,
        CompaniesModule,
        BranchLinksModule,
        LinkStateModule,
      ],
    };
  }

  /** Text PostgreSQL cannot store (NUL, lone surrogates) is a 422 naming the field before any handler runs. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(storableTextMiddleware).forRoutes('*');
  }
}
