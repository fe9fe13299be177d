import pLimit from 'p-limit';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface PortalLimiterOptions {
  /** Calls per minute per portal account; 0 = no limit. */
  perMinute: number;
  perAccountConcurrency: number;
  /**
   * Calls one firm may have in flight (or queued for the process cap) at once. Below `maxConcurrent`, so a
   * firm with hundreds of jobs always leaves room: another firm's calls never queue behind all of them.
   */
  perFirmConcurrency: number;
  /** Calls in flight at once for the whole process. */
  maxConcurrent: number;
  onWait?: (seconds: number) => void;
}

/** Whose budget a call is charged to. */
export interface LimiterKey {
  /** The firm the call is made for ("" outside a job: credential endpoints). */
  firm: string;
  /** The portal account (GSTIN, ERI user, e-sign key). */
  account: string;
}

/** One stage's queue for one account or firm, and when it was last used (idle ones are dropped). */
interface Stage {
  limit: pLimit.Limit;
  usedAtMs: number;
}

/** An account's queue is dropped after this long idle (its state is only the current minute's budget). */
const ACCOUNT_IDLE_MS = 600_000;
/** A firm's outlives its accounts' queues. */
const FIRM_IDLE_MS = 2 * ACCOUNT_IDLE_MS;
const SWEEP_EVERY_MS = 60_000;

/**
 * Three stages, each a FIFO concurrency queue (p-limit): per portal account (rate per minute + concurrency;
 * portals throttle per account), then the firm's share of the process, then the process-wide cap. A call holds
 * its account slot while it waits for the firm's and the process's, as a chain of limiters does. The firm stage is
 * what makes the budget fair: however many jobs one firm has, it holds at most `perFirmConcurrency` of the
 * process's slots, so a firm with one job is served next to it, not after it. The rate per account is a fixed
 * one-minute window per account (rate-limiter-flexible's in-memory limiter): a call over the minute's budget
 * waits for the next window.
 *
 * Bottleneck did this before at ~0.4–0.8 ms of CPU and ~20 ms of wall time per call (its in-process datastore
 * yields to a timer at every step, three stages over): ~12% of connector-gst's CPU (bench/README.md, gst-cpu).
 *
 * It also remembers when the portal last said "not before" (HTTP 429 Retry-After): every call waits for it
 * rather than hammering a throttled portal (see `pausedForMs`).
 */
export class PortalLimiter {
  private readonly global: pLimit.Limit;
  private readonly firms = new Map<string, Stage>();
  private readonly accounts = new Map<string, Stage>();
  private readonly rate: RateLimiterMemory | null;
  /** Calls waiting for the next minute's budget: cleared (left waiting) when the limiter stops. */
  private readonly rateWaits = new Set<NodeJS.Timeout>();
  private readonly sweeper: NodeJS.Timeout;
  private pausedUntilMs = 0;

  constructor(
    private readonly options: PortalLimiterOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.global = pLimit(options.maxConcurrent);
    this.rate =
      options.perMinute > 0 ? new RateLimiterMemory({ points: options.perMinute, duration: 60 }) : null;
    this.sweeper = setInterval(() => this.dropIdle(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  /** Runs `call` when the account's budget, the firm's share and the process cap allow. */
  async schedule<T>(key: LimiterKey, call: () => Promise<T>): Promise<T> {
    const queued = process.hrtime.bigint();
    const account = accountKey(key);
    return runIn(this.stage(this.accounts, account, this.options.perAccountConcurrency).limit, async () => {
      await this.withinRate(account);
      const firmShare = Math.min(this.options.perFirmConcurrency, this.options.maxConcurrent);
      return runIn(this.stage(this.firms, key.firm, firmShare).limit, () =>
        runIn(this.global, () => {
          this.options.onWait?.(Number(process.hrtime.bigint() - queued) / 1e9);
          return call();
        }),
      );
    });
  }

  /** The portal asked not to be called for `ms` (Retry-After): every call of this process honours it. */
  pauseFor(ms: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, this.now() + ms);
  }

  /** How long calls must still wait for the portal's last Retry-After (0: not paused). */
  pausedForMs(): number {
    return Math.max(0, this.pausedUntilMs - this.now());
  }

  /** Stops the limiter's timers; calls still waiting for a minute's budget are left waiting. */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    for (const timer of this.rateWaits) clearTimeout(timer);
    this.rateWaits.clear();
  }

  private stage(stages: Map<string, Stage>, key: string, concurrency: number): Stage {
    let stage = stages.get(key);
    if (!stage) stages.set(key, (stage = { limit: pLimit(concurrency), usedAtMs: 0 }));
    stage.usedAtMs = this.now();
    return stage;
  }

  /** Takes one call of the account's budget for this minute, waiting for the next minute when it is spent. */
  private async withinRate(account: string): Promise<void> {
    if (!this.rate) return;
    for (;;) {
      try {
        await this.rate.consume(account);
        return;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.rateWaits.delete(timer);
            resolve();
          }, rejection.msBeforeNext);
          this.rateWaits.add(timer);
        });
      }
    }
  }

  private dropIdle(): void {
    const now = this.now();
    for (const [stages, idleMs] of [
      [this.accounts, ACCOUNT_IDLE_MS],
      [this.firms, FIRM_IDLE_MS],
    ] as const) {
      for (const [key, stage] of stages) {
        const busy = stage.limit.activeCount + stage.limit.pendingCount > 0;
        if (!busy && now - stage.usedAtMs > idleMs) stages.delete(key);
      }
    }
  }
}

/**
 * Runs `work` in `limit`'s queue without the queue keeping it once it started. p-limit's queue (yocto-queue
 * 0.1) still refers to the last function queued after it ran, and a stage outlives its calls (an account's
 * for ACCOUNT_IDLE_MS): the call, its request and the job's abort signal stayed reachable, and through the
 * signal what the job fetched — ~66 KB per GSTIN in connector-gst, 1,000 GSTINs held 390 MB of heap
 * (bench/README.md, gst-cpu). The queued function lets go of `work` when it starts.
 */
function runIn<T>(limit: pLimit.Limit, work: () => Promise<T>): Promise<T> {
  let pending: (() => Promise<T>) | null = work;
  return limit(() => {
    const start = pending as () => Promise<T>;
    pending = null;
    return start();
  });
}

// A firm id never contains a newline, so the account key is unambiguous.
const SEPARATOR = '\n';

function accountKey(key: LimiterKey): string {
  return `${key.firm}${SEPARATOR}${key.account}`;
}
