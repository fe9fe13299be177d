import { Module } from '@nestjs/common';

import { MetricsModule } from '../metrics/metrics.module';
import { DispatchWorker } from './dispatch.worker';
import { DispatcherService } from './dispatcher.service';
import { HousekeepingProbe } from './housekeeping-probe';
import { LostJobsStep } from './lost-jobs.step';
import { PendingJobsStep } from './pending-jobs.step';
import { ProgressFlushStep } from './progress-flush.step';
import { WaitersStep } from './waiters.step';

@Module({
  imports: [MetricsModule],
  providers: [
    DispatcherService,
    DispatchWorker,
    HousekeepingProbe,
    LostJobsStep,
    WaitersStep,
    PendingJobsStep,
    ProgressFlushStep,
  ],
  exports: [DispatchWorker],
})
export class DispatchModule {}
