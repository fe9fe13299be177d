import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';

import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { DispatcherService } from './dispatcher.service';

/**
 * Runs the dispatcher's pass every DISPATCH_POLL_MS, and at once when nudged (new jobs fanned out, a result
 * freed a slot). A pass that did something is followed by another straight away, so a backlog drains at the
 * speed the caps allow rather than one batch per poll.
 */
@Injectable()
export class DispatchWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DispatchWorker.name);
  private loop: Promise<void> | null = null;
  private stopped = true;
  private nudged = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly dispatcher: DispatcherService,
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
      let busy = false;
      try {
        busy = await this.dispatcher.pass();
      } catch (e) {
        this.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'dispatch pass failed');
      }
      if (!busy && !this.nudged && !this.stopped) await this.sleep(this.config.DISPATCH_POLL_MS);
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
}
