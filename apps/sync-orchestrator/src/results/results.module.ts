import { Module } from '@nestjs/common';

import { DispatchModule } from '../dispatch/dispatch.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ResultsConsumer } from './results.consumer';
import { ResultsService } from './results.service';

@Module({
  imports: [MetricsModule, DispatchModule],
  providers: [ResultsService, ResultsConsumer],
})
export class ResultsModule {}
