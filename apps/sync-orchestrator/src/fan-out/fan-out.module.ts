import { Module } from '@nestjs/common';

import { ClientMasterModule } from '../client-master/client-master.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SelectionCheck } from '../sync-runs/selection-check';
import { FanOutService } from './fan-out.service';
import { FanOutWorker } from './fan-out.worker';

@Module({
  imports: [ClientMasterModule, MetricsModule, DispatchModule],
  providers: [FanOutService, FanOutWorker, SelectionCheck],
  exports: [FanOutWorker, SelectionCheck],
})
export class FanOutModule {}
