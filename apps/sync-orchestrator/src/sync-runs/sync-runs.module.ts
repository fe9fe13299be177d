import { Module } from '@nestjs/common';

import { ClientMasterModule } from '../client-master/client-master.module';
import { FanOutModule } from '../fan-out/fan-out.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RunCommandsService } from './run-commands.service';
import { RunStreamService } from './run-stream.service';
import { SelectionCheck } from './selection-check';
import { BranchSnapshotController, SyncRunsController } from './sync-runs.controller';
import { SyncRunsService } from './sync-runs.service';

@Module({
  imports: [ClientMasterModule, FanOutModule, MetricsModule],
  controllers: [SyncRunsController, BranchSnapshotController],
  providers: [SyncRunsService, RunCommandsService, RunStreamService, SelectionCheck],
  exports: [SyncRunsService, SelectionCheck],
})
export class SyncRunsModule {}
