import type { Logger } from 'pino';

import type { ClaimedJob, JobStore } from './job-store';

export interface WorkerPoolOptions {
  store: Pick<JobStore, 'claim' | 'heartbeat' | 'release' | 'releaseDead'>;
  run(claimed: ClaimedJob, shutdown: AbortSignal): Promise<void>;
  logger: Logger;
  /** Jobs worked at once by this process. */
  concurrency: number;
  /** Fallback poll for jobs recorded by other replicas or whose lease expired. */
  pollIntervalMs: number;
  /** How often held leases are extended (well under the lease). */
  heartbeatIntervalMs: number;
  /** How long stop() waits for running jobs to notice the shutdown. */
  stopGraceMs?: number;
  /**
   * How often the jobs of dead workers are looked for (default `pollIntervalMs`); always once at start, so a
   * restarted connector takes back what its killed predecessor held before it claims anything else.
   */
  deadWorkerSweepMs?: number;
  /**
   * How many of the `free` slots may be claimed now (default: all). `PortalOutage.allowance`: none while the
   * portal's breaker is open, one probe job while it is half-open.
   */
  admit?(free: number, inFlight: number): number;
}

/**
 * A bounded pool that claims jobs from `connector_jobs` and runs them. It is woken when the intake records a
 * job and polls every `pollIntervalMs` besides. Jobs held by a worker known to be dead (its liveness session is
 * gone: `JobStore.releaseDead`) are taken over at the next sweep; held jobs are heartbeated, so a worker that lives
 * but stopped heartbeating loses its jobs when their lease runs out.
 */
export class WorkerPool {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly shutdown = new AbortController();
  private wakeUp: (() => void) | null = null;
  private wakePending = false;
  private loopDone: Promise<void> | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: WorkerPoolOptions) {}

  get running(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (this.loopDone) return;
    this.loopDone = this.loop();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  /** Claim now (called after the intake records a job). */
  wake(): void {
    this.wakePending = true;
    this.wakeUp?.();
  }

  /**
   * The intake's transaction commits after its handler returns, so a claim at once could miss the row; wake
   * shortly after as well, and the poll covers anything slower.
   */
  wakeSoon(): void {
    for (const delay of [20, 200]) setTimeout(() => this.wake(), delay).unref();
  }

  async stop(): Promise<void> {
    if (this.shutdown.signal.aborted) return;
    this.shutdown.abort();
    this.wake();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await this.loopDone;
    const held = [...this.inFlight.keys()];
    await Promise.race([Promise.allSettled(this.inFlight.values()), sleep(this.options.stopGraceMs ?? 5000)]);
    try {
      await this.options.store.release(held);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not release jobs on stop; their leases will expire');
    }
  }

  private async loop(): Promise<void> {
    while (!this.shutdown.signal.aborted) {
      this.wakePending = false;
      try {
        await this.sweepDeadWorkers();
        await this.fill();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'claiming jobs failed; will retry');
      }
      await this.waitForWake();
    }
  }

  /** At most every `deadWorkerSweepMs`: the jobs of dead workers back to pending, to be claimed by this fill. */
  private async sweepDeadWorkers(): Promise<void> {
    const now = performance.now();
    if (now - this.lastSweep < (this.options.deadWorkerSweepMs ?? this.options.pollIntervalMs)) return;
    this.lastSweep = now;
    const released = await this.options.store.releaseDead();
    if (released.length)
      this.options.logger.info({ jobs: released.length }, 'took over the jobs of a worker that died');
  }

  private async fill(): Promise<void> {
    while (!this.shutdown.signal.aborted) {
      const slots = this.options.concurrency - this.inFlight.size;
      const free = this.options.admit ? this.options.admit(slots, this.inFlight.size) : slots;
      if (free <= 0) return;
      const claimed = await this.options.store.claim(free);
      for (const job of claimed) this.launch(job);
      if (claimed.length < free) return;
    }
  }

  private launch(claimed: ClaimedJob): void {
    const done = this.options
      .run(claimed, this.shutdown.signal)
      .catch((error: unknown) => {
        // The job stays `running`; its lease expires and it is claimed again.
        this.options.logger.error({ err: error, jobId: claimed.job.jobId }, 'finishing a job failed');
      })
      .finally(() => {
        this.inFlight.delete(claimed.rowId);
        this.wake();
      });
    this.inFlight.set(claimed.rowId, done);
  }

  private waitForWake(): Promise<void> {
    if (this.wakePending || this.shutdown.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.pollIntervalMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.options.store.heartbeat([...this.inFlight.keys()]);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'job heartbeat failed');
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
