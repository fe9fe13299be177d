import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ConflictProblem, NotFoundProblem } from '@practice-sync/problems';
import { DataSource } from 'typeorm';

import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import { FanOutWorker } from '../fan-out/fan-out.worker';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import type { JobCategory } from '../runs/job-kind';
import { insertRunOnce, runByIdempotencyKey } from '../runs/new-run';
import { saveRunAndAnnounce } from '../runs/run-announcer';
import { SyncRunEntity } from '../runs/sync-run.entity';
import { toSyncRunDto } from './sync-run.mapper';
import type { SyncRunResponseDto } from './sync-runs.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Cancel a run, and retry a run's failed jobs as a new run. */
@Injectable()
export class RunCommandsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly fanOut: FanOutWorker,
    private readonly metrics: OrchestratorMetrics,
  ) {}

  /**
   * Pending jobs (never dispatched, or waiting out a back-off or another run's job) become `cancelled` and
   * are never dispatched: the dispatcher locks a run and re-checks its status before sending anything.
   * Jobs already with a connector finish and their results are still recorded; the run is `cancelled` at
   * once and its terminal `cancelled` event goes out when the last of them has reported. The fan-out stops.
   * Cancelling a cancelled run answers it unchanged; a completed run cannot be cancelled (409).
   */
  async cancel(firmId: string, runId: string): Promise<SyncRunResponseDto> {
    const run = await this.dataSource.transaction(async (manager) => {
      const run = UUID.test(runId)
        ? await manager.findOne(SyncRunEntity, {
            where: { id: runId, firmId },
            lock: { mode: 'pessimistic_write' },
          })
        : null;
      if (!run) throw new NotFoundProblem(`sync run ${runId} does not exist in this firm`, 'Not Found');
      if (run.status === 'cancelled') return run;
      if (run.status === 'completed') {
        throw new ConflictProblem(`sync run ${runId} has already completed; there is nothing to cancel`);
      }
      const now = this.clock.now();
      const cancelled: unknown = await manager.query(
        `UPDATE sync_jobs
            SET status = 'done', outcome = 'cancelled', retryable = false, waiting_for_job_id = NULL,
                next_attempt_at = NULL, finished_at = $2, updated_at = $2,
                error_message = CASE WHEN attempts = 0 THEN 'cancelled before it was dispatched'
                                     ELSE 'cancelled while waiting for another attempt' END
          WHERE run_id = $1 AND status = 'pending'
          RETURNING id`,
        [run.id, now],
      );
      const n = rowCount(cancelled);
      run.pending -= n;
      run.cancelled += n;
      run.status = 'cancelled';
      run.cancelledAt = now;
      run.fanOutDoneAt = run.fanOutDoneAt ?? now;
      await manager.update(SyncRunEntity, run.id, { fanOutLeaseUntil: null, fanOutOwner: null });
      await saveRunAndAnnounce(manager, run, { now, causationId: run.id, progressIntervalMs: 0 });
      return run;
    });
    this.metrics.runEntered('cancelled');
    return toSyncRunDto(run);
  }

  /**
   * A new run over the failed jobs of `runId` only, partial ones included (same clients, categories, identifiers and periods). The new
   * run refers to its source (`retryOf`, and `clients: { retryOf }`) instead of listing the failed clients: its
   * fan-out copies the source's failed jobs from the database a page at a time, so retrying 50,000 failures
   * builds neither a 50,000-id row nor a 50,000-element array here.
   */
  async retry(firmId: string, runId: string, idempotencyKey?: string): Promise<SyncRunResponseDto> {
    const source = UUID.test(runId)
      ? await this.dataSource.manager.findOne(SyncRunEntity, { where: { id: runId, firmId } })
      : null;
    if (!source) throw new NotFoundProblem(`sync run ${runId} does not exist in this firm`, 'Not Found');
    const existing = await runByIdempotencyKey(this.dataSource.manager, firmId, idempotencyKey, source.id);
    if (existing) return toSyncRunDto(existing);
    // At most one row per category of the catalogue, however many jobs failed.
    const failed: { category: JobCategory }[] = await this.dataSource.query(
      `SELECT DISTINCT category FROM sync_jobs
        WHERE run_id = $1 AND outcome IN ('failed', 'partial') ORDER BY category`,
      [source.id],
    );
    if (failed.length === 0) {
      throw new ConflictProblem(`sync run ${runId} has no failed jobs to retry`);
    }
    const now = this.clock.now();
    const { run, created } = await insertRunOnce(
      this.dataSource,
      {
        firmId,
        subjectKind: source.subjectKind,
        selection: { retryOf: source.id },
        categories: failed.map((f) => f.category),
        period: source.period,
        retryOf: source.id,
        idempotencyKey,
      },
      now,
    );
    if (created) {
      this.metrics.runEntered('queued');
      this.fanOut.nudge();
    }
    return toSyncRunDto(run);
  }
}

/** node-postgres answers UPDATE … RETURNING through TypeORM as [rows, count]. */
function rowCount(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number') return result[1];
  return Array.isArray(result) ? result.length : 0;
}
