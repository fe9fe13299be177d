import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import { jobPortalOf } from '../runs/job-kind';
import { lockRun, saveRunAndAnnounce } from '../runs/run-announcer';
import { moveJob, totalsColumns, totalsOf } from '../runs/run-totals';
import { SyncJobEntity } from '../runs/sync-job.entity';
import { backoffMs, spentAttempts } from './dispatch-policy';
import { announceOptions, BATCH, retryPolicyOf } from './dispatch-step';

/** The runs with jobs past their result deadline (at most BATCH of their jobs looked at), in id order. */
export const LOST_JOB_RUNS_SQL = `SELECT DISTINCT run_id FROM (
    SELECT run_id FROM sync_jobs WHERE status = 'running' AND deadline_at < now() LIMIT ${BATCH}) s
  ORDER BY run_id`;

/** Dispatch pass, housekeeping: jobs whose result never came back are retried or failed `timeout`. */
@Injectable()
export class LostJobsStep {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: OrchestratorMetrics,
  ) {}

  /**
   * In these runs (`LOST_JOB_RUNS_SQL`, asked by `HousekeepingProbe`), jobs dispatched longer than JOB_RESULT_DEADLINE_MS ago without a result are lost (a connector died with
   * them, a message went astray): back to pending for another attempt, or failed `timeout` when none is left.
   */
  async run(runIds: readonly string[]): Promise<number> {
    let count = 0;
    for (const run_id of runIds) {
      count += await this.dataSource.transaction(async (manager) => {
        const run = await lockRun(manager, run_id);
        if (!run) return 0;
        const jobs = await manager
          .createQueryBuilder(SyncJobEntity, 'j')
          .where(`j.run_id = :runId AND j.status = 'running' AND j.deadline_at < now()`, { runId: run_id })
          .setLock('pessimistic_write')
          .limit(BATCH)
          .getMany();
        const now = this.clock.now();
        let totals = totalsOf(run);
        for (const job of jobs) {
          const seconds = Math.round(this.config.JOB_RESULT_DEADLINE_MS / 1000);
          const spent = spentAttempts(job.attempts, job.deferrals);
          const retry = run.status === 'running' && spent < this.config.JOB_MAX_ATTEMPTS;
          const lost = `no result ${seconds} s after dispatch of attempt ${spent}`;
          if (retry) {
            const delay = backoffMs(spent, retryPolicyOf(this.config));
            await manager.update(SyncJobEntity, job.id, {
              status: 'pending',
              errorCode: 'timeout',
              errorMessage: `${lost}; retrying`,
              retryable: true,
              deadlineAt: null,
              nextAttemptAt: new Date(now.getTime() + delay),
              updatedAt: now,
            });
            totals = moveJob(totals, 'running', 'pending');
            this.metrics.jobRetried(jobPortalOf(job.category), 'lost');
          } else {
            const outcome = run.status === 'running' ? 'failed' : 'cancelled';
            await manager.update(SyncJobEntity, job.id, {
              status: 'done',
              outcome,
              errorCode: outcome === 'failed' ? 'timeout' : null,
              errorMessage:
                outcome === 'failed' ? `${lost}; no attempt left` : `${lost}; the run was cancelled`,
              retryable: outcome === 'failed',
              deadlineAt: null,
              finishedAt: now,
              updatedAt: now,
            });
            totals = moveJob(totals, 'running', outcome === 'failed' ? 'failed' : 'cancelled');
          }
        }
        Object.assign(run, totalsColumns(totals));
        const terminal = await saveRunAndAnnounce(manager, run, announceOptions(this.config, now, run.id));
        if (terminal) this.metrics.runEntered(terminal);
        return jobs.length;
      });
    }
    return count;
  }
}
