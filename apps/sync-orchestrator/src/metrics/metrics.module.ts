import { Module } from '@nestjs/common';

import { OrchestratorMetrics } from './orchestrator.metrics';
import { RunGauges } from './run-gauges';

@Module({ providers: [OrchestratorMetrics, RunGauges], exports: [OrchestratorMetrics] })
export class MetricsModule {}
