import { Module } from '@nestjs/common';

import { OrchestratorMetrics } from './orchestrator.metrics';

@Module({ providers: [OrchestratorMetrics], exports: [OrchestratorMetrics] })
export class MetricsModule {}
