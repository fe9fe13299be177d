/**
 * A background loop that runs `pass` every `intervalMs`, at once when nudged, and straight again after a pass
 * that reports it did something (so a backlog drains without waiting for the next poll). A pass that throws is
 * reported to `onError` and the loop carries on. The dispatch, fan-out and schedule workers each own one.
 */
export class PollingLoop {
  private loop: Promise<void> | null = null;
  private stopped = true;
  private nudged = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly pass: (isStopping: () => boolean) => Promise<boolean>,
    private readonly onError: (error: unknown) => void,
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
    await this.loop;
  }

  private async run(): Promise<void> {
    const isStopping = () => this.stopped;
    while (!this.stopped) {
      this.nudged = false;
      let busy = false;
      try {
        busy = await this.pass(isStopping);
      } catch (e) {
        this.onError(e);
      }
      if (!busy && !this.nudged && !this.stopped) await this.sleep();
    }
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
