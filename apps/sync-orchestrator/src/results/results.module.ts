import { Module } from '@nestjs/common';

import { MetricsModule } from '../metrics/metrics.module';
import { ResultsConsumer } from './results.consumer';
import { ResultsService } from './results.service';

@Module({
  imports: [MetricsModule],
  providers: [ResultsService, ResultsConsumer],
})
export class ResultsModule {}
