import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Envelope } from '@practice-sync/contracts';
import { BooksJobCompletedEvent, SyncJobCompletedEvent } from '@practice-sync/contracts';
import type { HandlerContext } from '@practice-sync/messaging';
import type { EntityManager } from 'typeorm';

import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { DispatchWorker } from '../dispatch/dispatch.worker';
import { backoffMs, spentAttempts } from '../dispatch/dispatch-policy';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import type { JobCategory } from '../runs/job-kind';
import { jobPortalOf } from '../runs/job-kind';
import { lockRunWithJob, saveRunAndAnnounce } from '../runs/run-announcer';
import { RunProgressLog } from '../runs/run-progress-log';
import { moveJob } from '../runs/run-totals';
import { totalsColumns, totalsOf } from '../runs/run-totals';
import { SyncJobEntity } from '../runs/sync-job.entity';
import type { SyncRunEntity } from '../runs/sync-run.entity';
import type { JobResult, ResultDecision } from './result-decision';
import { booksCountsPatch, decideResult, fromBooksResult } from './result-decision';

/** What the results handler needs of the consumer's context: its transaction and its after-commit hook. */
export type ResultContext = Pick<HandlerContext, 'manager' | 'afterCommit'>;

/** A result of either connector family, in the terms the one code path below takes. */
interface IncomingResult {
  runId: string;
  jobId: string;
  category: JobCategory;
  result: JobResult;
  /** Columns only a books job has (refused objects), written with whatever the decision writes. */
  extra: Partial<SyncJobEntity>;
}

/** A portal connector's SyncJobCompleted or connector-books' BooksJobCompleted; null for any other event. */
export function incomingResult(envelope: Envelope<unknown>): IncomingResult | null {
  if (envelope.type === SyncJobCompletedEvent.type) {
    const r = SyncJobCompletedEvent.schema.parse(envelope.data);
    return { runId: r.runId, jobId: r.jobId, category: r.category, result: r, extra: {} };
  }
  if (envelope.type === BooksJobCompletedEvent.type) {
    const r = BooksJobCompletedEvent.schema.parse(envelope.data);
    return {
      runId: r.runId,
      jobId: r.jobId,
      category: r.category,
      result: fromBooksResult(r),
      extra: booksCountsPatch(r),
    };
  }
  return null;
}

/**
 * Records a connector's job result and moves the run's totals, completing the run when nothing is open.
 * A retryable failure with attempts left goes back to `pending` with a back-off; the dispatcher re-sends it.
 * Metrics and the dispatcher's wake-up wait for the commit: a try that rolls back (and is retried) counts nothing.
 */
@Injectable()
export class ResultsService {
  private readonly logger = new Logger(ResultsService.name);
  private readonly progressLog = new RunProgressLog(new Logger('RunProgress'));

  constructor(
    private readonly metrics: OrchestratorMetrics,
    private readonly dispatcher: DispatchWorker,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Runs inside the consumer's transaction (`ctx.manager`), atomically with its inbox marker. */
  async apply(envelope: Envelope<unknown>, ctx: ResultContext): Promise<void> {
    const { manager } = ctx;
    const incoming = incomingResult(envelope);
    if (!incoming) return;
    const { result, extra } = incoming;
    const portal = jobPortalOf(incoming.category);
    const log = {
      firmId: envelope.firmId,
      runId: incoming.runId,
      jobId: incoming.jobId,
      eventId: envelope.id,
    };

    // Lock the run: every change to a run's totals (fan-out pages, dispatch, results from any partition) goes
    // through this row lock, so concurrent handlers never lose an update. The job is read in the same statement.
    const { run, job } = await lockRunWithJob(manager, incoming.runId, envelope.firmId, incoming.jobId);
    if (!run || !job) {
      this.logger.warn(log, 'result for an unknown job ignored');
      return;
    }
    const decision = decideResult(job, result, {
      maxAttempts: this.config.JOB_MAX_ATTEMPTS,
      mayRetry: run.status === 'running',
      maxDeferrals: this.config.JOB_RATE_LIMIT_MAX_DEFERRALS,
      maxDeferMs: this.config.JOB_RATE_LIMIT_MAX_WAIT_MS,
    });
    if (decision.kind === 'ignore') {
      this.logger.log({ ...log, reason: decision.reason }, 'result ignored');
      return;
    }
    const now = this.clock.now();
    if (decision.kind === 'defer') {
      // No jitter: the portal named the moment, and the connector lines up the calls that come back then in its
      // fair (per-firm) queue, holding any that arrive early until the portal's time.
      const delay = decision.delayMs;
      await this.requeue(manager, run, job.id, decision, delay, now, envelope.id, extra);
      ctx.afterCommit(() => {
        this.metrics.jobDeferred(portal, delay / 1000);
        // The portal is throttled for everyone until then: none of its jobs is sent meanwhile.
        this.dispatcher.holdPortal(portal, Date.now() + delay);
        // Its slot is free for other jobs now; the dispatcher's poll finds this one again once the wait is over.
        this.dispatcher.nudge();
      });
      this.logger.log(
        { ...log, attempt: result.attempt, delayMs: delay },
        'rate limited; re-queued for when the portal allows',
      );
      return;
    }
    if (decision.kind === 'retry') {
      const delay = backoffMs(spentAttempts(result.attempt, job.deferrals), this.retryPolicy());
      await this.requeue(manager, run, job.id, decision, delay, now, envelope.id, extra);
      ctx.afterCommit(() => {
        this.metrics.jobRetried(portal, result.errorCode ?? 'internal');
      });
      this.logger.log(
        { ...log, attempt: result.attempt, delayMs: delay },
        'retryable failure; re-dispatch scheduled',
      );
      return;
    }
    const before = totalsOf(run);
    Object.assign(run, totalsColumns(moveJob(before, decision.from, decision.to)));
    // The job's row and the run's totals, in one statement.
    const terminal = await saveRunAndAnnounce(manager, run, {
      ...this.announceOptions(now, envelope.id),
      job: { id: job.id, patch: { ...decision.patch, ...extra, deadlineAt: null, updatedAt: now } },
    });
    ctx.afterCommit(() => {
      this.progressLog.moved(run, before, totalsOf(run));
      this.metrics.jobCompleted(portal, incoming.category, result.outcome);
      this.metrics.jobFinished(
        portal,
        result.outcome,
        (now.getTime() - job.createdAt.getTime()) / 1000,
        result.errorCode,
      );
      if (terminal) this.metrics.runEntered(terminal);
      // Jobs of other runs waiting for this one take its result on the dispatcher's next pass (which must
      // see it committed).
      this.dispatcher.nudge();
    });
  }

  /** Back to `pending` for `delayMs` (a retry's back-off or the portal's Retry-After), and the run's totals. */
  private async requeue(
    manager: EntityManager,
    run: SyncRunEntity,
    jobId: string,
    decision: Extract<ResultDecision, { kind: 'retry' | 'defer' }>,
    delayMs: number,
    now: Date,
    causationId: string,
    extra: Partial<SyncJobEntity>,
  ): Promise<void> {
    Object.assign(run, totalsColumns(moveJob(totalsOf(run), decision.from, 'pending')));
    await saveRunAndAnnounce(manager, run, {
      ...this.announceOptions(now, causationId),
      job: {
        id: jobId,
        patch: {
          ...decision.patch,
          ...extra,
          deadlineAt: null,
          nextAttemptAt: new Date(now.getTime() + delayMs),
          updatedAt: now,
        },
      },
    });
  }

  private retryPolicy() {
    return {
      maxAttempts: this.config.JOB_MAX_ATTEMPTS,
      baseMs: this.config.JOB_RETRY_BASE_MS,
      maxMs: this.config.JOB_RETRY_MAX_MS,
    };
  }

  private announceOptions(now: Date, causationId: string) {
    return { now, causationId, progressIntervalMs: this.config.PROGRESS_INTERVAL_MS };
  }
}
