import { Module } from '@nestjs/common';

import { ClientMasterModule } from '../client-master/client-master.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { MetricsModule } from '../metrics/metrics.module';
import { FanOutService } from './fan-out.service';
import { FanOutWorker } from './fan-out.worker';
import { LinkRefreshService } from './link-refresh.service';
import { LinkRefreshWorker } from './link-refresh.worker';

@Module({
  imports: [ClientMasterModule, MetricsModule, DispatchModule],
  providers: [FanOutService, FanOutWorker, LinkRefreshService, LinkRefreshWorker],
  exports: [FanOutWorker],
})
export class FanOutModule {}
