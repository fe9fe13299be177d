import { Module } from '@nestjs/common';

import { FanOutModule } from '../fan-out/fan-out.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SyncRunsModule } from '../sync-runs/sync-runs.module';
import { ScheduleWorker } from './schedule.worker';
import { SyncSchedulesController } from './sync-schedules.controller';
import { SyncSchedulesService } from './sync-schedules.service';

@Module({
  imports: [SyncRunsModule, FanOutModule, MetricsModule],
  controllers: [SyncSchedulesController],
  providers: [SyncSchedulesService, ScheduleWorker],
})
export class SyncSchedulesModule {}
