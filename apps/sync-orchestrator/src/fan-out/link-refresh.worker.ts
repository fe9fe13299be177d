import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';

import { PollingLoop } from '../common/polling-loop';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { LinkRefreshService } from './link-refresh.service';

/**
 * How often the link refresh looks: a quarter of BOOKS_LINK_MAX_AGE_MS (7.5 s by default), never more often than
 * FAN_OUT_POLL_MS. A job is refreshed once its snapshot is half that age, so it is re-read by three quarters of
 * it at the latest, before dispatch would refuse it; looking more often finds nothing more, and an idle
 * orchestrator asked PostgreSQL every second.
 */
export function linkRefreshIntervalMs(
  config: Pick<OrchestratorConfig, 'FAN_OUT_POLL_MS' | 'BOOKS_LINK_MAX_AGE_MS'>,
): number {
  return Math.max(config.FAN_OUT_POLL_MS, Math.floor(config.BOOKS_LINK_MAX_AGE_MS / 4));
}

/**
 * Re-reads the links of pending books jobs whose snapshot is getting old (LinkRefreshService), every
 * `linkRefreshIntervalMs`, in its own loop: its client-master calls never hold the dispatcher or the fan-out.
 */
@Injectable()
export class LinkRefreshWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LinkRefreshWorker.name);
  private readonly loop: PollingLoop;

  constructor(
    private readonly refresh: LinkRefreshService,
    @Inject(ORCHESTRATOR_CONFIG) config: OrchestratorConfig,
  ) {
    this.loop = new PollingLoop(
      linkRefreshIntervalMs(config),
      // A full batch may have left more behind: go again at once.
      async () => (await this.refresh.run()) >= 500,
      (e) =>
        this.logger.warn(
          { err: e instanceof Error ? e.message : String(e) },
          'link refresh failed; stale books jobs wait for the next pass',
        ),
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }
}
