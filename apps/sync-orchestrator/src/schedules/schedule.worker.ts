import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { expandCategories } from '@practice-sync/contracts';
import { DataSource } from 'typeorm';

import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import { PollingLoop } from '../common/polling-loop';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { resolveRunPeriods } from '../fan-out/default-period';
import { FanOutWorker } from '../fan-out/fan-out.worker';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import { insertRun } from '../runs/new-run';
import { SyncRunEntity } from '../runs/sync-run.entity';
import { nextRunAt } from './schedule-timing';
import { SyncScheduleEntity } from './sync-schedule.entity';

/**
 * Starts the runs of due schedules. A due schedule is locked (SKIP LOCKED, so instances share the work),
 * its run created and its next time set in one transaction: a crash either took the tick or did not.
 * A schedule whose previous run is still queued or running skips the tick (never overlaps itself); ticks
 * missed while the service was down are taken once, because the next time is computed after now.
 */
@Injectable()
export class ScheduleWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduleWorker.name);
  private readonly loop: PollingLoop;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ORCHESTRATOR_CONFIG) config: OrchestratorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly fanOut: FanOutWorker,
    private readonly metrics: OrchestratorMetrics,
  ) {
    this.loop = new PollingLoop(
      config.SCHEDULE_POLL_MS,
      async () => {
        await this.tick();
        return false;
      },
      (e) => this.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'schedule tick failed'),
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

  /** Takes every due tick now; returns how many runs it started. */
  async tick(): Promise<number> {
    const started = await this.dataSource.transaction(async (manager) => {
      const due = await manager
        .createQueryBuilder(SyncScheduleEntity, 's')
        .where('s.enabled AND s.next_run_at <= :now', { now: this.clock.now() })
        .orderBy('s.next_run_at', 'ASC')
        .limit(20)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      let n = 0;
      for (const s of due) {
        const now = this.clock.now();
        const last = s.lastRunId
          ? await manager.findOne(SyncRunEntity, {
              where: { id: s.lastRunId },
              select: { id: true, status: true },
            })
          : null;
        const busy = last !== null && (last.status === 'queued' || last.status === 'running');
        if (busy) {
          this.logger.log({ scheduleId: s.id, runId: last.id }, 'previous run still active; tick skipped');
        } else {
          const categories = expandCategories(s.categories);
          const run = await insertRun(
            manager,
            {
              firmId: s.firmId,
              selection: s.selection,
              categories,
              period: resolveRunPeriods(categories, s.period ?? undefined, now),
              scheduleId: s.id,
            },
            now,
          );
          s.lastRunId = run.id;
          n += 1;
        }
        s.nextRunAt = nextRunAt(s, now);
        s.updatedAt = now;
        await manager.update(SyncScheduleEntity, s.id, {
          lastRunId: s.lastRunId,
          nextRunAt: s.nextRunAt,
          updatedAt: now,
        });
      }
      return n;
    });
    if (started > 0) {
      for (let i = 0; i < started; i++) this.metrics.runEntered('queued');
      this.fanOut.nudge();
    }
    return started;
  }
}
