import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';

import { PollingLoop } from '../common/polling-loop';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { FanOutService } from './fan-out.service';

/**
 * Polls for runs whose fan-out is unfinished (new, or left behind by a crashed instance) and fans them out
 * one at a time. `nudge()` wakes the loop at once after a run is created instead of waiting for the poll.
 * The loop is started at bootstrap and only woken by requests, so its logs never carry a request's context.
 */
@Injectable()
export class FanOutWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FanOutWorker.name);
  private readonly loop: PollingLoop;

  constructor(
    private readonly fanOut: FanOutService,
    @Inject(ORCHESTRATOR_CONFIG) config: OrchestratorConfig,
  ) {
    this.loop = new PollingLoop(
      config.FAN_OUT_POLL_MS,
      (isStopping) => this.drain(isStopping),
      (e) => this.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'fan-out pass failed'),
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  nudge(): void {
    this.loop.nudge();
  }

  /** Fans out every claimable run, one at a time; then the loop sleeps until the next poll or nudge. */
  private async drain(isStopping: () => boolean): Promise<boolean> {
    while (!isStopping()) {
      const runId = await this.fanOut.claimNext();
      if (!runId) return false;
      await this.fanOut.fanOut(runId, isStopping);
    }
    return false;
  }
}
