import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BooksSyncCategories, expandCategories } from '@practice-sync/contracts';
import { DataSource } from 'typeorm';

import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import { PollingLoop } from '../common/polling-loop';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { resolveRunPeriods } from '../fan-out/default-period';
import { FanOutWorker } from '../fan-out/fan-out.worker';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import { activeRunOverLinks, lockFirmLinkRuns } from '../runs/link-run-overlap';
import type { NewRun } from '../runs/new-run';
import { insertRun } from '../runs/new-run';
import type { LinkSelection } from '../runs/run-scope';
import { SyncRunEntity } from '../runs/sync-run.entity';
import { nextRunAt } from './schedule-timing';
import { SyncScheduleEntity } from './sync-schedule.entity';

/**
 * Starts the runs of due schedules. A due schedule is locked (SKIP LOCKED, so instances share the work),
 * its run created and its next time set in one transaction: a crash either took the tick or did not.
 * A schedule whose previous run is still queued or running skips the tick (never overlaps itself), and so
 * does a schedule over branch links while any run over one of its links is going (a one-minute schedule never
 * piles runs up behind a slow one, nor behind a manual run or a restart); a skipped tick is recorded on the
 * schedule with its reason (`skippedAt`, `skipReason`) until a tick starts a run again. Ticks missed while the
 * service was down are taken once, because the next time is computed after now.
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
      // By firm, so instances taking the firms' link-run locks take them in one order (no deadlock).
      due.sort((a, b) => (a.firmId < b.firmId ? -1 : a.firmId > b.firmId ? 1 : 0));
      for (const s of due) {
        const now = this.clock.now();
        const last = s.lastRunId
          ? await manager.findOne(SyncRunEntity, {
              where: { id: s.lastRunId },
              select: { id: true, status: true },
            })
          : null;
        const busy = last !== null && (last.status === 'queued' || last.status === 'running');
        let overlapping: { id: string; status: string } | null = null;
        if (!busy && s.subjectKind === 'links') {
          await lockFirmLinkRuns(manager, s.firmId);
          overlapping = await activeRunOverLinks(manager, s.firmId, s.selection as LinkSelection);
        }
        if (busy || overlapping) {
          s.skippedAt = now;
          s.skipReason = busy
            ? `tick skipped: the schedule's previous run ${last.id} is still ${last.status}`
            : `tick skipped: run ${overlapping?.id} over the same branch links is still ${overlapping?.status}`;
          this.logger.log({ scheduleId: s.id, reason: s.skipReason }, 'schedule tick skipped');
        } else {
          const run = await insertRun(manager, this.runOf(s, now), now);
          s.lastRunId = run.id;
          s.skippedAt = null;
          s.skipReason = null;
          n += 1;
        }
        s.nextRunAt = nextRunAt(s, now);
        s.updatedAt = now;
        await manager.update(SyncScheduleEntity, s.id, {
          lastRunId: s.lastRunId,
          nextRunAt: s.nextRunAt,
          skippedAt: s.skippedAt,
          skipReason: s.skipReason,
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

  /** The run a tick starts: the schedule's clients × categories × period, or its links × `books.*`. */
  private runOf(s: SyncScheduleEntity, now: Date): NewRun {
    if (s.subjectKind === 'links') {
      return {
        firmId: s.firmId,
        subjectKind: 'links',
        selection: s.selection,
        categories: BooksSyncCategories.filter((c) => s.categories.includes(c)),
        period: {},
        scheduleId: s.id,
      };
    }
    const categories = expandCategories(s.categories);
    return {
      firmId: s.firmId,
      selection: s.selection,
      categories,
      period: resolveRunPeriods(categories, s.period ?? undefined, now),
      scheduleId: s.id,
    };
  }
}
