import { Global, Module } from '@nestjs/common';

import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';
import type { TimeSource } from './sandbox-clock';
import { SandboxClock, TIME_SOURCE } from './sandbox-clock';
import { WorldService } from './world.service';

@Global()
@Module({
  providers: [
    {
      provide: TIME_SOURCE,
      useFactory: (config: SandboxConfig): TimeSource => {
        const pinned = config.SANDBOX_START_AT ? Date.parse(config.SANDBOX_START_AT) : undefined;
        return pinned === undefined ? Date.now : () => pinned;
      },
      inject: [SANDBOX_CONFIG],
    },
    {
      provide: SandboxClock,
      useFactory: (time: TimeSource) => new SandboxClock(time),
      inject: [TIME_SOURCE],
    },
    WorldService,
  ],
  exports: [SandboxClock, WorldService],
})
export class WorldModule {}
