import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import { lockRun, saveRunAndAnnounce } from '../runs/run-announcer';
import type { JobBucket } from '../runs/run-totals';
import { bucketOf, moveJob, totalsColumns, totalsOf } from '../runs/run-totals';
import { SyncJobEntity } from '../runs/sync-job.entity';
import { announceOptions, BATCH } from './dispatch-step';

/** The runs with jobs waiting for another run's identical job that is done, in id order. */
export const WAITER_RUNS_SQL = `SELECT DISTINCT w.run_id FROM sync_jobs w JOIN sync_jobs t ON t.id = w.waiting_for_job_id
  WHERE w.status = 'pending' AND w.waiting_for_job_id IS NOT NULL AND t.status = 'done'
  ORDER BY w.run_id LIMIT ${BATCH}`;

/** Dispatch pass, housekeeping: jobs waiting for another run's identical job take its result. */
@Injectable()
export class WaitersStep {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: OrchestratorMetrics,
  ) {}

  /**
   * In these runs (`WAITER_RUNS_SQL`, asked by `HousekeepingProbe`), jobs that waited for another run's identical
   * job take its outcome once it is done ("reused").
   */
  async run(runIds: readonly string[]): Promise<number> {
    let count = 0;
    for (const run_id of runIds) {
      count += await this.dataSource.transaction(async (manager) => {
        const run = await lockRun(manager, run_id);
        if (!run) return 0;
        const pairs: (Record<string, unknown> & { waiter_id: string })[] = await manager.query(
          `SELECT w.id AS waiter_id, t.id, t.run_id, t.outcome, t.error_code, t.error_message, t.retryable,
                  t.added, t.updated, t.removed, t.unchanged, t.object_errors, t.failed_objects, t.books_held, t.books_conflicts, t.parts, t.taxpayers, t.started_at, t.finished_at
             FROM sync_jobs w JOIN sync_jobs t ON t.id = w.waiting_for_job_id
            WHERE w.run_id = $1 AND w.status = 'pending' AND t.status = 'done'
            FOR UPDATE OF w`,
          [run_id],
        );
        const now = this.clock.now();
        let totals = totalsOf(run);
        for (const p of pairs) {
          if (p.outcome === 'cancelled' || run.status !== 'running') {
            // The job it waited for was cancelled (or this run was): it no longer waits; dispatch decides.
            await manager.update(SyncJobEntity, p.waiter_id, { waitingForJobId: null, updatedAt: now });
            continue;
          }
          const outcome = p.outcome as SyncJobEntity['outcome'];
          const note = `reused the result of job ${String(p.id)} of run ${String(p.run_id)}, which fetched the same data (same identifier, category and period) at the same time`;
          const patch = {
            status: 'done' as const,
            outcome,
            errorCode: p.error_code as SyncJobEntity['errorCode'],
            errorMessage: p.error_message ? `${String(p.error_message)} (${note})` : note,
            retryable: p.retryable as boolean | null,
            added: Number(p.added),
            updated: Number(p.updated),
            removed: Number(p.removed),
            unchanged: Number(p.unchanged),
            objectErrors: Number(p.object_errors),
            failedObjects: Number(p.failed_objects),
            booksHeld: Number(p.books_held),
            booksConflicts: Number(p.books_conflicts),
            parts: p.parts as SyncJobEntity['parts'],
            taxpayers: (p.taxpayers ?? null) as SyncJobEntity['taxpayers'],
            startedAt: p.started_at as Date | null,
            finishedAt: (p.finished_at as Date | null) ?? now,
          };
          await manager.update(SyncJobEntity, p.waiter_id, { ...patch, updatedAt: now });
          totals = moveJob(totals, 'pending', bucketOf(patch) as JobBucket);
        }
        Object.assign(run, totalsColumns(totals));
        const terminal = await saveRunAndAnnounce(manager, run, announceOptions(this.config, now, run.id));
        if (terminal) this.metrics.runEntered(terminal);
        return pairs.length;
      });
    }
    return count;
  }
}
