import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';

import { CLOCK, systemClock } from '../common/clock';
import type { OrchestratorConfig } from './orchestrator.config';
import { ORCHESTRATOR_CONFIG } from './orchestrator.config';

/** Makes the boot-time configuration and the clock injectable everywhere. */
@Global()
@Module({})
export class OrchestratorConfigModule {
  static forRoot(config: OrchestratorConfig): DynamicModule {
    return {
      module: OrchestratorConfigModule,
      providers: [
        { provide: ORCHESTRATOR_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
      ],
      exports: [ORCHESTRATOR_CONFIG, CLOCK],
    };
  }
}
