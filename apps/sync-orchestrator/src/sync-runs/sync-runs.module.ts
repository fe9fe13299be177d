import { Module } from '@nestjs/common';

import { FanOutModule } from '../fan-out/fan-out.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RunCommandsService } from './run-commands.service';
import { RunStreamService } from './run-stream.service';
import { SyncRunsController } from './sync-runs.controller';
import { SyncRunsService } from './sync-runs.service';

@Module({
  imports: [FanOutModule, MetricsModule],
  controllers: [SyncRunsController],
  providers: [SyncRunsService, RunCommandsService, RunStreamService],
  exports: [SyncRunsService],
})
export class SyncRunsModule {}
