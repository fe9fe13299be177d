/**
 * What a pass reports: true, it did something (go again at once); false, nothing now (wait for the interval or
 * a nudge); `'idle'`, nothing is under way at all (wait `idleIntervalMs`, or for a nudge).
 */
export type PassOutcome = boolean | 'idle';

/**
 * A background loop that runs `pass` every `intervalMs`, at once when nudged, and straight again after a pass
 * that reports it did something (so a backlog drains without waiting for the next poll). A pass that reports
 * `'idle'` is followed by the next after `idleIntervalMs` instead (a nudge still wakes it at once), so an idle
 * service polls its database less. A pass that throws is reported to `onError` and the loop carries on. The
 * dispatch, fan-out and schedule workers each own one.
 */
export class PollingLoop {
  private loop: Promise<void> | null = null;
  private stopped = true;
  private nudged = false;
  private wake: (() => void) | null = null;
  private readonly idleIntervalMs: number;

  constructor(
    private readonly intervalMs: number,
    private readonly pass: (isStopping: () => boolean) => Promise<PassOutcome>,
    private readonly onError: (error: unknown) => void,
    /**
     * A nudge starts a pass no sooner than this after the previous pass started (0: at once), so nudges that
     * come one per event (a result each) are served by one pass per interval, not one pass each.
     */
    private readonly nudgeGapMs = 0,
    /** The wait after an `'idle'` pass (at least `intervalMs`). */
    idleIntervalMs = intervalMs,
  ) {
    this.idleIntervalMs = Math.max(intervalMs, idleIntervalMs);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Stops after the pass in progress, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const isStopping = () => this.stopped;
    while (!this.stopped) {
      this.nudged = false;
      let outcome: PassOutcome = false;
      const started = Date.now();
      try {
        outcome = await this.pass(isStopping);
      } catch (e) {
        this.onError(e);
      }
      if (this.stopped) break;
      const busy = outcome === true;
      if (!busy && !this.nudged) await this.sleep(outcome === 'idle' ? this.idleIntervalMs : this.intervalMs);
      // Woken by a nudge (now or just before): let the gap pass, gathering any further nudges into this one.
      if (!busy && this.nudged && this.nudgeGapMs > 0)
        await this.sleep(started + this.nudgeGapMs - Date.now(), false);
    }
  }

  /** Sleeps `ms` (the poll interval), woken early by `stop()` and, when `byNudge`, by a nudge. */
  private sleep(ms = this.intervalMs, byNudge = true): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = byNudge ? done : () => this.stopped && done();
    });
  }
}
