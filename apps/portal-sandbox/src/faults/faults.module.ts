import { Global, Module } from '@nestjs/common';

import { FAULT_RANDOM, FaultsService } from './faults.service';
import { PortalFaultsMiddleware } from './portal-faults.middleware';
import { SandboxMetrics } from './sandbox-metrics';
import { StatsService } from './stats.service';

@Global()
@Module({
  providers: [
    { provide: FAULT_RANDOM, useValue: Math.random },
    FaultsService,
    StatsService,
    SandboxMetrics,
    PortalFaultsMiddleware,
  ],
  exports: [FaultsService, StatsService, SandboxMetrics, PortalFaultsMiddleware],
})
export class FaultsModule {}
