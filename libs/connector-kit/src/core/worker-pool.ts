import { setMaxListeners } from 'node:events';

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
   * While no job is known to wait (the last claim found fewer than it asked for, and since then no job was
   * recorded and none taken back from a dead worker), the poll claims at most this often (default
   * `pollIntervalMs`): only jobs another replica recorded, or whose lease ran out, can then be in the table.
   * An idle connector otherwise sends a claim every poll, all day.
   */
  idleClaimIntervalMs?: number;
  /**
   * How many of the `free` slots may be claimed now (default: all). `PortalOutage.allowance`: none while the
   * portal's breaker is open, one probe job while it is half-open.
   */
  admit?(free: number, inFlight: number): number;
  /**
   * Jobs claimed beyond the free slots and held (leased, heartbeated) until a slot frees (default a quarter of
   * `concurrency`): a full pool claims once per `prefetch + 1` finished jobs instead of once per job.
   */
  prefetch?: number;
  /**
   * Called with the jobs of each claim before any of them starts (the access they will read, read ahead in one
   * statement). A failure is logged; the jobs then read what they need themselves.
   */
  onClaimed?(claimed: readonly ClaimedJob[]): Promise<void>;
}

/**
 * A bounded pool that claims jobs from `connector_jobs` and runs them. It is woken when the intake records a
 * job and polls every `pollIntervalMs` besides (claiming at most every `idleClaimIntervalMs` while no job is
 * known to wait). Jobs held by a worker known to be dead (its liveness session is gone: `JobStore.releaseDead`)
 * are taken over at the next sweep; held jobs are heartbeated, so a worker that lives but stopped heartbeating
 * loses its jobs when their lease runs out.
 */
export class WorkerPool {
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Claimed (leased) and not yet started, in claim order: started as slots free, without a claim. */
  private readonly queued: ClaimedJob[] = [];
  /**
   * False once a claim found fewer jobs than it asked for and nothing was recorded since: a finished job then
   * frees its slot without a claim (the intake's wake or the poll claim the next ones).
   */
  private backlog = true;
  /** Bumped by every `wake()` from outside (a job recorded): a claim in flight then cannot clear `backlog`. */
  private wakes = 0;
  private readonly shutdown = new AbortController();
  private wakeUp: (() => void) | null = null;
  private wakePending = false;
  private loopDone: Promise<void> | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private lastSweep = Number.NEGATIVE_INFINITY;
  private lastClaim = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: WorkerPoolOptions) {
    // Every running job listens for the shutdown (and stops listening when it ends): without this, more than ten
    // at once printed Node's "possible EventTarget memory leak" warning, which is not one.
    setMaxListeners(options.concurrency + 10, this.shutdown.signal);
  }

  get running(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (this.loopDone) return;
    this.loopDone = this.loop();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  /** Claim now (called once the intake's recording of jobs has committed). */
  wake(): void {
    this.backlog = true;
    this.wakes += 1;
    this.wakePending = true;
    this.wakeUp?.();
  }

  /** Jobs claimed, held and not yet started (leased to this process). */
  get held(): number {
    return this.queued.length;
  }

  async stop(): Promise<void> {
    if (this.shutdown.signal.aborted) return;
    this.shutdown.abort();
    this.wake();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await this.loopDone;
    const held = [...this.inFlight.keys(), ...this.queued.splice(0).map((c) => c.rowId)];
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
    if (released.length) {
      this.backlog = true; // claimed by this pass's fill, not at the next idle claim
      this.options.logger.info({ jobs: released.length }, 'took over the jobs of a worker that died');
    }
  }

  /**
   * Starts held jobs in the free slots; once none is held, claims the free slots plus `prefetch` (one statement),
   * starts what fits and holds the rest.
   */
  private async fill(): Promise<void> {
    const { concurrency } = this.options;
    const prefetch = this.options.prefetch ?? Math.floor(concurrency / 4);
    while (!this.shutdown.signal.aborted) {
      this.startHeld();
      const slots = concurrency - this.inFlight.size;
      const free = this.admitted(slots);
      if (free <= 0 || this.queued.length > 0) return;
      const idleClaimMs = this.options.idleClaimIntervalMs ?? this.options.pollIntervalMs;
      if (!this.backlog && performance.now() - this.lastClaim < idleClaimMs) return;
      this.lastClaim = performance.now();
      const wakes = this.wakes;
      // No prefetch while admission is narrowed (the portal down or probed): held jobs could not start.
      const limit = free < slots ? free : free + prefetch;
      const claimed = await this.options.store.claim(limit);
      if (claimed.length > 0) await this.claimedHook(claimed);
      this.queued.push(...claimed);
      if (claimed.length < limit) {
        if (this.wakes === wakes) this.backlog = false;
        this.startHeld();
        return;
      }
    }
  }

  private async claimedHook(claimed: readonly ClaimedJob[]): Promise<void> {
    if (!this.options.onClaimed) return;
    try {
      await this.options.onClaimed(claimed);
    } catch (error) {
      this.options.logger.warn(
        { err: error },
        'reading ahead for claimed jobs failed; each job reads its own',
      );
    }
  }

  /** How many of `slots` free slots may start a job now (`admit`, default all). */
  private admitted(slots: number): number {
    if (slots <= 0) return 0;
    return this.options.admit ? this.options.admit(slots, this.inFlight.size) : slots;
  }

  private startHeld(): void {
    while (this.queued.length > 0 && this.admitted(this.options.concurrency - this.inFlight.size) > 0) {
      if (this.shutdown.signal.aborted) return;
      this.launch(this.queued.shift() as ClaimedJob);
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
        // A held job takes the slot at once; a claim only if jobs may be waiting in the table.
        if (this.queued.length > 0) this.startHeld();
        else if (this.backlog) {
          this.wakePending = true;
          this.wakeUp?.();
        }
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
      await this.options.store.heartbeat([...this.inFlight.keys(), ...this.queued.map((c) => c.rowId)]);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'job heartbeat failed');
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
