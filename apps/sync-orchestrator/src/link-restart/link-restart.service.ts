import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NotFoundProblem } from '@practice-sync/problems';
import { DataSource } from 'typeorm';

import type { ClientDirectory } from '../client-master/client-master.client';
import { CLIENT_DIRECTORY } from '../client-master/client-master.client';
import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import { FanOutWorker } from '../fan-out/fan-out.worker';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import { activeRunOverLinks, lockFirmLinkRuns } from '../runs/link-run-overlap';
import { insertRun } from '../runs/new-run';
import { asked } from '../sync-runs/selection-check';
import { toSyncRunDto } from '../sync-runs/sync-run.mapper';
import type { SyncRunResponseDto } from '../sync-runs/sync-runs.dto';
import { restartCategories } from './restart-decision';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Restarts a failed branch link: a run of that link over the classes its active rules move. */
@Injectable()
export class LinkRestartService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CLIENT_DIRECTORY) private readonly directory: ClientDirectory,
    private readonly fanOut: FanOutWorker,
    private readonly metrics: OrchestratorMetrics,
  ) {}

  /** See `restartCategories` for what each state does; the run is created as `POST /v1/sync-runs` would. */
  async restart(firmId: string, linkId: string): Promise<SyncRunResponseDto> {
    const selection = { ids: [linkId] };
    const page = UUID.test(linkId)
      ? await asked(() => this.directory.selectLinks(firmId, selection, null, 1))
      : { items: [] };
    const link = page.items.find((l) => l.id === linkId);
    if (!link) throw new NotFoundProblem(`branch link ${linkId} does not exist in this firm`, 'Not Found');
    const now = this.clock.now();
    const run = await this.dataSource.transaction(async (manager) => {
      // Two restarts (or a restart and a schedule's tick) at once start one run, not two.
      await lockFirmLinkRuns(manager, firmId);
      const active = await activeRunOverLinks(manager, firmId, selection);
      const categories = restartCategories(link, active);
      return insertRun(manager, { firmId, subjectKind: 'links', selection, categories, period: {} }, now);
    });
    this.metrics.runEntered('queued');
    this.fanOut.nudge();
    return toSyncRunDto(run);
  }
}
