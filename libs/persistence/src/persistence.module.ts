import type { DynamicModule, OnModuleInit } from '@nestjs/common';
import { Inject, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthRegistry, METRICS_REGISTRY } from '@practice-sync/observability';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';

import type { ServiceDataSourceOptions } from './data-source';
import { serviceDataSourceOptions } from './data-source';
import { poolOf, registerPoolMetrics } from './pool-metrics';
import { registerStatementMetrics } from './statement-counts';

@Module({})
class DatabaseHealthRegistration implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly dataSource: DataSource,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    this.health.register({
      name: 'database',
      check: async () => void (await this.dataSource.query('SELECT 1')),
    });
    registerPoolMetrics(this.registry, () => poolOf(this.dataSource));
    registerStatementMetrics(this.registry);
  }
}

/**
 * TypeORM for one service (its own schema, `synchronize: false`) plus a `database` readiness check and the
 * pool gauges (`db_pool_connections`, `db_pool_waiting`).
 * Use `TypeOrmModule.forFeature([...])` in feature modules and `@InjectRepository` / `DataSource` as usual.
 */
@Module({})
export class PersistenceModule {
  static forRoot(opts: ServiceDataSourceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [TypeOrmModule.forRoot(serviceDataSourceOptions(opts)), DatabaseHealthRegistration],
    };
  }
}
