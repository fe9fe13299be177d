import Bottleneck from 'bottleneck';

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

/**
 * Bottleneck limiters in three stages: per portal account (rate per minute + concurrency; portals throttle per
 * account), chained to one per firm (a concurrency share of the process), chained to the process-wide cap.
 * The firm stage is what makes the budget fair: however many jobs one firm has, it holds at most
 * `perFirmConcurrency` of the process's slots, so a firm with one job is served next to it, not after it.
 *
 * It also remembers when the portal last said "not before" (HTTP 429 Retry-After): every call waits for it
 * rather than hammering a throttled portal (see `pausedForMs`).
 */
export class PortalLimiter {
  private readonly global: Bottleneck;
  private readonly firms: Bottleneck.Group;
  private readonly accounts: Bottleneck.Group;
  private pausedUntilMs = 0;

  constructor(
    private readonly options: PortalLimiterOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.global = new Bottleneck({ maxConcurrent: options.maxConcurrent });
    // Idle limiters are dropped after 10 min (their state is only the current minute's budget).
    const timeout = 600_000;
    this.firms = new Bottleneck.Group({
      maxConcurrent: Math.min(options.perFirmConcurrency, options.maxConcurrent),
      // Outlives its accounts' limiters, which stay chained to it while they exist.
      timeout: 2 * timeout,
    });
    this.firms.on('created', (limiter) => limiter.chain(this.global));
    const perMinute = options.perMinute > 0 ? options.perMinute : null;
    this.accounts = new Bottleneck.Group({
      maxConcurrent: options.perAccountConcurrency,
      ...(perMinute
        ? { reservoir: perMinute, reservoirRefreshAmount: perMinute, reservoirRefreshInterval: 60_000 }
        : {}),
      timeout,
    });
    this.accounts.on('created', (limiter, key) => limiter.chain(this.firms.key(firmOfKey(key))));
  }

  /** Runs `call` when the account's budget, the firm's share and the process cap allow. */
  async schedule<T>(key: LimiterKey, call: () => Promise<T>): Promise<T> {
    const queued = process.hrtime.bigint();
    return this.accounts.key(accountKey(key)).schedule(() => {
      this.options.onWait?.(Number(process.hrtime.bigint() - queued) / 1e9);
      return call();
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

  async stop(): Promise<void> {
    await Promise.allSettled(this.accounts.limiters().map(({ limiter }) => limiter.disconnect()));
    await Promise.allSettled(this.firms.limiters().map(({ limiter }) => limiter.disconnect()));
    await this.global.disconnect();
  }
}

// A firm id never contains a newline, so the account key splits back unambiguously.
const SEPARATOR = '\n';

function accountKey(key: LimiterKey): string {
  return `${key.firm}${SEPARATOR}${key.account}`;
}

function firmOfKey(key: string): string {
  return key.slice(0, key.indexOf(SEPARATOR));
}
