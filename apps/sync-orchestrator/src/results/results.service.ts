import { Injectable, Logger } from '@nestjs/common';
import type { Envelope, SyncJobCompleted } from '@practice-sync/contracts';
import { portalOf, SyncJobCompletedEvent } from '@practice-sync/contracts';
import { enqueueEvents } from '@practice-sync/messaging';
import type { EntityManager } from 'typeorm';

import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import { runChangedEvent } from '../sync-runs/run-events';
import { isRunComplete, moveJob } from '../sync-runs/run-totals';
import { SyncJobEntity } from '../sync-runs/sync-job.entity';
import { SyncRunEntity } from '../sync-runs/sync-run.entity';
import { totalsColumns, totalsOf } from '../sync-runs/sync-run.mapper';
import { decideResult } from './result-decision';

/**
 * Records a connector's job result and moves the run's totals, completing the run when nothing is open.
 * Retryable failures are recorded as they are; re-dispatch with back-off is a separate step (see README).
 */
@Injectable()
export class ResultsService {
  private readonly logger = new Logger(ResultsService.name);

  constructor(private readonly metrics: OrchestratorMetrics) {}

  /** Runs inside the consumer's transaction (`manager`), atomically with its inbox marker. */
  async apply(envelope: Envelope<unknown>, manager: EntityManager): Promise<void> {
    if (envelope.type !== SyncJobCompletedEvent.type) return;
    const result: SyncJobCompleted = SyncJobCompletedEvent.schema.parse(envelope.data);
    const log = { firmId: envelope.firmId, runId: result.runId, jobId: result.jobId, eventId: envelope.id };

    // Lock the run first: every change to a run's totals (fan-out pages, results from any partition)
    // goes through this row lock, so concurrent handlers never lose an update.
    const run = await manager.findOne(SyncRunEntity, {
      where: { id: result.runId, firmId: envelope.firmId },
      lock: { mode: 'pessimistic_write' },
    });
    const job = run
      ? await manager.findOne(SyncJobEntity, {
          where: { id: result.jobId, runId: run.id, firmId: run.firmId },
        })
      : null;
    if (!run || !job) {
      this.logger.warn(log, 'result for an unknown job ignored');
      return;
    }
    const decision = decideResult(job, result);
    if (decision.kind === 'ignore') {
      this.logger.log({ ...log, reason: decision.reason }, 'result ignored');
      return;
    }

    const now = new Date();
    await manager.update(SyncJobEntity, job.id, { ...decision.patch, updatedAt: now });
    const totals = moveJob(totalsOf(run), decision.from, decision.to);
    Object.assign(run, totalsColumns(totals), { updatedAt: now });
    const complete = isRunComplete({ status: run.status, fanOutDone: run.fanOutDoneAt !== null, totals });
    if (complete) {
      run.status = 'completed';
      run.finishedAt = now;
    }
    await manager.update(SyncRunEntity, run.id, {
      ...totalsColumns(totals),
      status: run.status,
      finishedAt: run.finishedAt,
      updatedAt: now,
    });
    await enqueueEvents(manager, [runChangedEvent(run, complete ? 'completed' : 'progress', envelope.id)]);

    this.metrics.jobCompleted(portalOf(result.category), result.category, result.outcome);
    if (complete) this.metrics.runEntered('completed');
  }
}
