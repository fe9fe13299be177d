import { Module } from '@nestjs/common';

import { MetricsModule } from '../metrics/metrics.module';
import { DispatchWorker } from './dispatch.worker';
import { DispatcherService } from './dispatcher.service';

@Module({
  imports: [MetricsModule],
  providers: [DispatcherService, DispatchWorker],
  exports: [DispatchWorker],
})
export class DispatchModule {}
