import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';

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
  private loop: Promise<void> | null = null;
  private stopped = true;
  private nudged = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly fanOut: FanOutService,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.nudged = false;
      await this.drain();
      if (!this.nudged && !this.stopped) await this.sleep(this.config.FAN_OUT_POLL_MS);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped) {
        const runId = await this.fanOut.claimNext();
        if (!runId) return;
        await this.fanOut.fanOut(runId, () => this.stopped);
      }
    } catch (e) {
      this.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'fan-out pass failed');
    }
  }
}
