import { Module } from '@nestjs/common';

import { ClientMasterModule } from '../client-master/client-master.module';
import { FanOutModule } from '../fan-out/fan-out.module';
import { MetricsModule } from '../metrics/metrics.module';
import { LinkRestartController } from './link-restart.controller';
import { LinkRestartService } from './link-restart.service';

@Module({
  imports: [ClientMasterModule, FanOutModule, MetricsModule],
  controllers: [LinkRestartController],
  providers: [LinkRestartService],
})
export class LinkRestartModule {}
