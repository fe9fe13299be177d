import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@practice-sync/observability';
import { PersistenceModule } from '@practice-sync/persistence';

import { AuthModule } from './auth/auth.module';
import { BranchConflictsModule } from './branch-conflicts/branch-conflicts.module';
import { BranchLinksModule } from './branch-links/branch-links.module';
import { CategoriesModule } from './categories/categories.module';
import { ClientsModule } from './clients/clients.module';
import { CompaniesModule } from './companies/companies.module';
import type { GatewayConfig } from './config/gateway.config';
import { GATEWAY_CONFIG } from './config/gateway.config';
import { CredentialsModule } from './credentials/credentials.module';
import { FirmsModule } from './firms/firms.module';
import { gatewayDataSourceOptions } from './gateway-data-source';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { NoticesModule } from './notices/notices.module';
import { StatusModule } from './status/status.module';
import { SyncRunsModule } from './sync-runs/sync-runs.module';
import { SyncSchedulesModule } from './sync-schedules/sync-schedules.module';
import { UpstreamModule } from './upstream/upstream.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'gateway', logLevel: config.LOG_LEVEL }),
        PersistenceModule.forRoot(gatewayDataSourceOptions(config)),
        ConfigHolderModule.forRoot(config),
        AuthModule,
        IdempotencyModule,
        UpstreamModule,
        FirmsModule,
        ClientsModule,
        CredentialsModule,
        SyncRunsModule,
        SyncSchedulesModule,
        NoticesModule,
        CategoriesModule,
        StatusModule,
        CompaniesModule,
        BranchLinksModule,
        BranchConflictsModule,
        UsersModule,
      ],
    };
  }
}

/** Makes the validated config injectable (`@Inject(GATEWAY_CONFIG)`) everywhere. */
@Module({})
class ConfigHolderModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: ConfigHolderModule,
      global: true,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
