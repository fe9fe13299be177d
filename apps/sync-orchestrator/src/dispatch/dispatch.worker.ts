import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';

import { PollingLoop } from '../common/polling-loop';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import type { JobPortal as Portal } from '../runs/job-kind';
import { DispatcherService } from './dispatcher.service';

/**
 * Runs the dispatcher's pass every DISPATCH_POLL_MS, and when nudged (new jobs fanned out, a result freed a
 * slot): at once, or DISPATCH_NUDGE_GAP_MS after the previous pass began, so the results of a busy moment share
 * one pass. A pass that did something is followed by another straight away, so a backlog drains at the
 * speed the caps allow rather than one batch per poll. A pass that finds nothing under way (`'idle'`) is followed
 * by the next after DISPATCH_IDLE_POLL_MS, unless a nudge comes first.
 */
@Injectable()
export class DispatchWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DispatchWorker.name);
  private readonly loop: PollingLoop;

  constructor(
    private readonly dispatcher: DispatcherService,
    @Inject(ORCHESTRATOR_CONFIG) config: OrchestratorConfig,
  ) {
    this.loop = new PollingLoop(
      config.DISPATCH_POLL_MS,
      () => this.dispatcher.pass(),
      (e) => this.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'dispatch pass failed'),
      config.DISPATCH_NUDGE_GAP_MS,
      config.DISPATCH_IDLE_POLL_MS,
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

  /** See DispatcherService.holdPortal. */
  holdPortal(portal: Portal, untilMs: number): void {
    this.dispatcher.holdPortal(portal, untilMs);
  }
}
