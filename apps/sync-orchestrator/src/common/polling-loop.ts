/**
 * A background loop that runs `pass` every `intervalMs`, at once when nudged, and straight again after a pass
 * that reports it did something (so a backlog drains without waiting for the next poll). A pass that throws is
 * reported to `onError` and the loop carries on. The dispatch, fan-out and schedule workers each own one.
 *
 * `coalesceMs`: passes start at least this far apart, so a burst of nudges (one per result, say) is served by
 * one pass instead of one pass each.
 */
export class PollingLoop {
  private loop: Promise<void> | null = null;
  private stopped = true;
  private nudged = false;
  private wake: (() => void) | null = null;
  private wakeOnStop: (() => void) | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly pass: (isStopping: () => boolean) => Promise<boolean>,
    private readonly onError: (error: unknown) => void,
    private readonly coalesceMs = 0,
  ) {}

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
    this.wakeOnStop?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const isStopping = () => this.stopped;
    while (!this.stopped) {
      this.nudged = false;
      const started = Date.now();
      let busy = false;
      try {
        busy = await this.pass(isStopping);
      } catch (e) {
        this.onError(e);
      }
      if (!busy && !this.nudged && !this.stopped) await this.sleep();
      const gap = this.coalesceMs - (Date.now() - started);
      if (gap > 0 && !this.stopped) await this.pause(gap);
    }
  }

  /** Waits `ms` whatever the nudges (they are served by the pass after it); only stop() cuts it short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeOnStop = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeOnStop = done;
    });
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, this.intervalMs);
      this.wake = done;
    });
  }
}
