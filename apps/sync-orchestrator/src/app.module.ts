import type { DynamicModule, MiddlewareConsumer, NestModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Topics } from '@practice-sync/contracts';
import { messagingConfig, MessagingModule } from '@practice-sync/messaging';
import { ObservabilityModule } from '@practice-sync/observability';
import { PersistenceModule } from '@practice-sync/persistence';
import { ProblemFilter, storableTextMiddleware } from '@practice-sync/problems';
import { traceContextMiddleware } from '@practice-sync/service-http';

import { CategoriesModule } from './categories/categories.module';
import type { OrchestratorConfig } from './config/orchestrator.config';
import { SERVICE_NAME } from './config/orchestrator.config';
import { OrchestratorConfigModule } from './config/orchestrator-config.module';
import { orchestratorDatabaseOptions } from './database.options';
import { LinkRestartModule } from './link-restart/link-restart.module';
import { ResultsModule } from './results/results.module';
import { SyncSchedulesModule } from './schedules/sync-schedules.module';
import { SyncRunsModule } from './sync-runs/sync-runs.module';

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: OrchestratorConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        OrchestratorConfigModule.forRoot(config),
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logLevel: config.LOG_LEVEL }),
        PersistenceModule.forRoot(orchestratorDatabaseOptions(config)),
        MessagingModule.forRoot({
          config: messagingConfig(SERVICE_NAME, config),
          topics: [
            Topics.JobsGst,
            Topics.JobsItr,
            Topics.JobsEsign,
            Topics.JobsBooks,
            Topics.Results,
            Topics.BooksResults,
            Topics.Runs,
          ],
          logLevel: config.LOG_LEVEL,
        }),
        SyncRunsModule,
        ResultsModule,
        SyncSchedulesModule,
        LinkRestartModule,
        CategoriesModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }

  /** Text PostgreSQL cannot store (NUL, lone surrogates) is a 422 naming the field before any handler runs. */
  configure(consumer: MiddlewareConsumer): void {
    // The trace context after the body parsers (Nest mounts them first): calls to client-master carry it.
    consumer.apply(storableTextMiddleware, traceContextMiddleware).forRoutes('*');
  }
}
