import type { DynamicModule, OnModuleInit } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthRegistry } from '@practice-sync/observability';
import { DataSource } from 'typeorm';

import type { ServiceDataSourceOptions } from './data-source';
import { serviceDataSourceOptions } from './data-source';

@Module({})
class DatabaseHealthRegistration implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.health.register({
      name: 'database',
      check: async () => void (await this.dataSource.query('SELECT 1')),
    });
  }
}

/**
 * TypeORM for one service (its own schema, `synchronize: false`) plus a `database` readiness check.
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
