import { Module } from '@nestjs/common';

import { ClientMasterModule } from '../client-master/client-master.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { MetricsModule } from '../metrics/metrics.module';
import { FanOutService } from './fan-out.service';
import { FanOutWorker } from './fan-out.worker';

@Module({
  imports: [ClientMasterModule, MetricsModule, DispatchModule],
  providers: [FanOutService, FanOutWorker],
  exports: [FanOutWorker],
})
export class FanOutModule {}
