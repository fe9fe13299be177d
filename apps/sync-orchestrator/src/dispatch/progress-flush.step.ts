import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { lockRun, saveRunAndAnnounce } from '../runs/run-announcer';
import { announceOptions, BATCH } from './dispatch-step';

/** The runs whose held-back `progress` event is due (`$1`: PROGRESS_INTERVAL_MS), in id order. */
export const DUE_PROGRESS_RUNS_SQL = `SELECT id FROM sync_runs
  WHERE progress_dirty AND (progress_emitted_at IS NULL
        OR progress_emitted_at <= now() - make_interval(secs => $1::double precision / 1000))
  ORDER BY id LIMIT ${BATCH}`;

/** Dispatch pass, housekeeping: runs whose `progress` event was held back by the interval get it now. */
@Injectable()
export class ProgressFlushStep {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Emits the coalesced `progress` event of these runs (`DUE_PROGRESS_RUNS_SQL`, asked by `HousekeepingProbe`). */
  async run(runIds: readonly string[]): Promise<number> {
    let count = 0;
    for (const id of runIds) {
      count += await this.dataSource.transaction(async (manager) => {
        const run = await lockRun(manager, id);
        if (!run || !run.progressDirty) return 0;
        await saveRunAndAnnounce(manager, run, {
          ...announceOptions(this.config, this.clock.now(), run.id),
          progressIntervalMs: 0,
        });
        return 1;
      });
    }
    return count;
  }
}
