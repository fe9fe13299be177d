import { Global, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { ProcessLiveness } from '@practice-sync/messaging';
import type { DataSource } from 'typeorm';

import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

/** Global so any controller can use `@Idempotent()`. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyKeyEntity])],
  providers: [
    // This gateway process's identity while alive: an in-progress key names it (the store starts and stops it).
    {
      provide: ProcessLiveness,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => new ProcessLiveness(dataSource),
    },
    IdempotencyStore,
    IdempotencyInterceptor,
  ],
  exports: [IdempotencyStore, IdempotencyInterceptor],
})
export class IdempotencyModule {}
