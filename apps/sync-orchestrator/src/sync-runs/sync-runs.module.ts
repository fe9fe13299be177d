import { Module } from '@nestjs/common';

import { FanOutModule } from '../fan-out/fan-out.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SyncRunsController } from './sync-runs.controller';
import { SyncRunsService } from './sync-runs.service';

@Module({
  imports: [FanOutModule, MetricsModule],
  controllers: [SyncRunsController],
  providers: [SyncRunsService],
})
export class SyncRunsModule {}
