import Bottleneck from 'bottleneck';

export interface PortalLimiterOptions {
  /** Calls per minute per portal account; 0 = no limit. */
  perMinute: number;
  perAccountConcurrency: number;
  /** Calls in flight at once for the whole process. */
  maxConcurrent: number;
  onWait?: (seconds: number) => void;
}

/**
 * Bottleneck limiters: one per portal account (rate per minute + concurrency), chained to one process-wide
 * concurrency cap. Portals throttle per account (GSTIN, ERI user, e-sign key), so one busy account never
 * eats another's budget.
 */
export class PortalLimiter {
  private readonly global: Bottleneck;
  private readonly accounts: Bottleneck.Group;

  constructor(private readonly options: PortalLimiterOptions) {
    this.global = new Bottleneck({ maxConcurrent: options.maxConcurrent });
    const perMinute = options.perMinute > 0 ? options.perMinute : null;
    this.accounts = new Bottleneck.Group({
      maxConcurrent: options.perAccountConcurrency,
      ...(perMinute
        ? { reservoir: perMinute, reservoirRefreshAmount: perMinute, reservoirRefreshInterval: 60_000 }
        : {}),
      // Idle account limiters are dropped after 10 min (their state is only the current minute's budget).
      timeout: 600_000,
    });
    this.accounts.on('created', (limiter) => limiter.chain(this.global));
  }

  /** Runs `call` when the account's budget and the process cap allow. */
  async schedule<T>(account: string, call: () => Promise<T>): Promise<T> {
    const queued = process.hrtime.bigint();
    return this.accounts.key(account).schedule(() => {
      this.options.onWait?.(Number(process.hrtime.bigint() - queued) / 1e9);
      return call();
    });
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.accounts.limiters().map(({ limiter }) => limiter.disconnect()));
    await this.global.disconnect();
  }
}
