import type { EachBatchPayload } from 'kafkajs';

/** What the committer needs of a kafkajs batch: the group's uncommitted offsets and a way to commit them. */
export type CommitHandle = Pick<EachBatchPayload, 'uncommittedOffsets' | 'commitOffsetsIfNecessary'>;

/**
 * Commits a consumer group's resolved offsets every `intervalMs`, and once more on stop, instead of after every
 * batch as kafkajs' `autoCommit` does. At the pace jobs finish, a batch holds one or two messages, so `autoCommit`
 * sent one OffsetCommit request (a write to `__consumer_offsets`) per message and group: a third of all requests
 * to the broker. The inbox makes the longer interval safe: after a crash or a rebalance, the messages of the last
 * interval are delivered again and skipped as duplicates.
 *
 * kafkajs' batch functions act on the group's current generation (its offset manager is replaced on every
 * rebalance), so a handle kept from an earlier batch commits only what this member resolved since the last
 * assignment, never a partition it has lost.
 */
export class OffsetCommitter {
  private handle: CommitHandle | null = null;
  private timer: NodeJS.Timeout | null = null;
  private committing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Called with every batch: keeps its handle and starts the timer on the first. */
  track(handle: CommitHandle): void {
    if (this.stopped) return;
    this.handle = handle;
    if (!this.timer) {
      this.timer = setInterval(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Commits every resolved offset not committed yet; commits never overlap. */
  flush(): Promise<void> {
    this.committing = this.committing.then(() => this.commitNow());
    return this.committing;
  }

  /** Stops the timer and commits what is left (call before the consumer disconnects). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async commitNow(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    try {
      const offsets = handle.uncommittedOffsets();
      if (offsets.topics.length > 0) await handle.commitOffsetsIfNecessary(offsets);
    } catch (error) {
      // The next interval tries again; until then, a restart only re-delivers what the inbox skips.
      this.onError(error);
    }
  }
}
