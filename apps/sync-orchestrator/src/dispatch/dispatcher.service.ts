import { Inject, Injectable } from '@nestjs/common';

import type { PassOutcome } from '../common/polling-loop';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import type { JobPortal as Portal } from '../runs/job-kind';
import type { HousekeepingWork } from './housekeeping-probe';
import { HousekeepingProbe } from './housekeeping-probe';
import { LostJobsStep } from './lost-jobs.step';
import { PendingJobsStep } from './pending-jobs.step';
import { ProgressFlushStep } from './progress-flush.step';
import { WaitersStep } from './waiters.step';

/**
 * The orchestrator's control loop (called by DispatchWorker), one step per unit: expire lost jobs, hand
 * results to jobs waiting for another run's identical job, dispatch pending jobs within the caps, and flush
 * coalesced progress. Every totals change happens under the run's row lock, in the same transaction as its
 * events.
 */
@Injectable()
export class DispatcherService {
  constructor(
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    private readonly metrics: OrchestratorMetrics,
    private readonly lostJobs: LostJobsStep,
    private readonly waiters: WaitersStep,
    private readonly pendingJobs: PendingJobsStep,
    private readonly progress: ProgressFlushStep,
    private readonly housekeepingProbe: HousekeepingProbe,
  ) {}

  /** When the housekeeping steps are next due (Date.now() milliseconds). */
  private housekeepingDueAt = 0;

  /** See PendingJobsStep.holdPortal. */
  holdPortal(portal: Portal, untilMs: number): void {
    this.pendingJobs.holdPortal(portal, untilMs);
  }

  /**
   * One pass; true when it may have left work that can be done now (the worker then goes again at once).
   * Dispatch runs on every pass, since each result frees a slot. The housekeeping steps (lost jobs, waiters,
   * coalesced progress) run at most once per DISPATCH_POLL_MS: none of them needs to follow a single result at
   * once, and on every nudge they would cost three or more statements per job. One statement asks what each of
   * them has to do (`HousekeepingProbe`); a step with nothing to do sends nothing.
   *
   * `'idle'` when the probe found no job pending or running and nothing else to do: the pass then sends
   * nothing more, and the worker waits DISPATCH_IDLE_POLL_MS for the next (a new run's fan-out nudges it at
   * once). An idle orchestrator asks one statement every 2 s instead of six four times a second.
   */
  async pass(): Promise<PassOutcome> {
    const housekeeping = Date.now() >= this.housekeepingDueAt;
    if (housekeeping) this.housekeepingDueAt = Date.now() + this.config.DISPATCH_POLL_MS;
    const work = housekeeping ? await this.housekeepingProbe.probe() : null;
    if (work && isIdle(work)) return 'idle';
    const expired = work?.lost.length ? await this.lostJobs.run(work.lost) : 0;
    const reused = work?.waiting.length ? await this.waiters.run(work.waiting) : 0;
    const done = this.metrics.dispatchTimer();
    const { more } = await this.pendingJobs.run().finally(done);
    if (work?.dueProgress.length) await this.progress.run(work.dueProgress);
    return more || reused > 0 || expired > 0;
  }
}

/** Nothing open and nothing held back: nothing for a pass to do until a run is fanned out. */
function isIdle(work: HousekeepingWork): boolean {
  return !work.open && !work.lost.length && !work.waiting.length && !work.dueProgress.length;
}
