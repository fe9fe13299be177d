import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

import { assertTransactionUsable, followTransactionStatus } from './transaction-status';

/**
 * A unit of work run inside a group transaction, on its manager. It may run more than once: when a later work
 * of its transaction fails, the transaction is rolled back and it runs again in the next one. So it must keep
 * nothing of a run that was rolled back (state outside the transaction is set from what its last run did).
 */
export type GroupWork<T> = (manager: EntityManager) => Promise<T>;

export interface GroupCommitOptions<P = never> {
  /** Most works in one transaction (default 64); the rest wait for the next. */
  maxWorks?: number;
  /**
   * No further work starts in a transaction open this long (default 200 ms); the works not started go first
   * into the next one. Bounds how long the group's locks are held and how long its first caller waits. A work
   * already running is not cut short.
   */
  maxTransactionMs?: number;
  /**
   * How long an idle group commit waits after the first work arrives before it begins the transaction, for
   * others to join it (default 0). Under load works group without it: those arriving while a transaction runs
   * make up the next one. A linger only adds latency there, and groups at low load, where a transaction per
   * work costs little.
   */
  lingerMs?: number;
  /**
   * Runs first in each group transaction, before any work, with the inputs its
   * works were submitted with (`submit(work, input)`), in order: to take row locks the works share in one fixed
   * order for the whole transaction (works that each sort their own locks still take them in the order the
   * works run, which can deadlock with another transaction). If it throws, every work of the group gets the
   * error.
   */
  prepare?: (manager: EntityManager, inputs: P[]) => Promise<void>;
  /** Told of every group transaction that ended (committed or not). */
  onGroup?: (group: GroupOutcome) => void;
  /** For tests. */
  now?: () => number;
}

export interface GroupOutcome {
  /** Works run in the transaction. */
  works: number;
  /** Of those, works that threw (at most one: the transaction is rolled back at the first). */
  failed: number;
  /**
   * Whether the transaction committed (false: BEGIN or the COMMIT failed, or a work threw and the transaction was
   * rolled back).
   */
  committed: boolean;
  /** Works that ran before the one that threw, rolled back with it and run again in the next transaction. */
  redone?: number;
}

interface Entry<P> {
  work: GroupWork<unknown>;
  input: P | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_MAX_WORKS = 64;
const DEFAULT_MAX_TRANSACTION_MS = 200;

/**
 * Group commit: concurrent callers share one transaction instead of committing one each. `submit` queues a
 * work; while a group transaction runs, new works queue up and go together into the next one. The works of a
 * group run one after another on the transaction's connection (a connection runs one statement at a time),
 * with no statement between them, and a work's promise settles only once the transaction has committed:
 * - a work that throws, or that caught a failed statement's error and went on (the connection's transaction
 *   status is followed, so this costs no statement; PostgreSQL would answer the COMMIT with a silent ROLLBACK),
 *   has the transaction rolled back. Its caller gets its error; the works that ran before it are redone first
 *   in the next transaction, and the works not reached yet go there too: no other caller gets its error.
 * - when BEGIN or the COMMIT fails, or the connection is lost, every caller whose work ran in the transaction
 *   gets that error (works not reached yet go into the next transaction), and the connection is rolled back or
 *   dropped. Callers retry as they would a transaction of their own (a database outage is seen by each, e.g.
 *   `isDatabaseUnavailable`).
 *
 * This is what savepoints would give (each work's writes undone alone), without their two statements per work
 * in every transaction: a failing work costs the works before it a second run instead (issue 26).
 *
 * Transaction hooks run as for a transaction of one's own: `afterTransactionCommit` fires once for the group's
 * COMMIT (the outbox hands every committed work's rows to its relay there); a rolled-back transaction's outbox
 * rows are gone from the table and were never handed to the relay.
 *
 * A work must not run statements on the manager after it settled, nor start work on it concurrently.
 */
export class GroupCommit<P = never> {
  private readonly queue: Entry<P>[] = [];
  private draining = false;
  private starting: { cancel: () => void } | null = null;
  private readonly maxWorks: number;
  private readonly maxTransactionMs: number;
  private readonly lingerMs: number;
  private readonly now: () => number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: GroupCommitOptions<P> = {},
  ) {
    this.maxWorks = Math.max(1, options.maxWorks ?? DEFAULT_MAX_WORKS);
    this.maxTransactionMs = options.maxTransactionMs ?? DEFAULT_MAX_TRANSACTION_MS;
    this.lingerMs = options.lingerMs ?? 0;
    this.now = options.now ?? (() => Date.now());
  }

  /**
   * Runs `work` in the next group transaction; resolves with its result once that transaction committed. `input`
   * goes to the `prepare` option.
   */
  submit<T>(work: GroupWork<T>, input?: P): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, input, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Works waiting for a transaction (not those of the one running). */
  get waiting(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.draining) return;
    if (this.starting) {
      if (this.queue.length < this.maxWorks) return;
      this.starting.cancel();
    } else if (this.queue.length < this.maxWorks) {
      // Even without a linger, the works submitted in the same turn of the event loop start together.
      this.starting = this.lingerMs > 0 ? later(this.lingerMs, () => this.start()) : soon(() => this.start());
      return;
    }
    this.start();
  }

  private start(): void {
    this.starting = null;
    void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.maxWorks);
        let notStarted: Entry<P>[] = [];
        try {
          notStarted = await this.runGroup(group);
        } catch (error) {
          // Not expected (runGroup settles its works); a caller must never wait forever.
          for (const entry of group) entry.reject(error);
        }
        this.queue.unshift(...notStarted);
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * One transaction for `group`; returns the works to run in the next one, first: those the duration cap left,
   * and those rolled back with a work that threw.
   */
  private async runGroup(group: Entry<P>[]): Promise<Entry<P>[]> {
    const runner = this.dataSource.createQueryRunner();
    const begun = this.now();
    try {
      await runner.startTransaction();
      const { prepare } = this.options;
      const inputs = group.flatMap((e) => (e.input === undefined ? [] : [e.input]));
      if (prepare && inputs.length > 0) await prepare(runner.manager, inputs);
    } catch (error) {
      await this.abandon(runner, error);
      for (const entry of group) entry.reject(error);
      this.options.onGroup?.({ works: 0, failed: 0, committed: false });
      return [];
    }
    const ran: { entry: Entry<P>; value: unknown }[] = [];
    let next = 0;
    followTransactionStatus(runner.manager);
    try {
      for (; next < group.length; next++) {
        if (next > 0 && this.now() - begun >= this.maxTransactionMs) break;
        const entry = group[next] as Entry<P>;
        const value = await entry.work(runner.manager);
        await assertTransactionUsable(runner.manager);
        ran.push({ entry, value });
      }
    } catch (error) {
      // The work at `next` threw: its caller gets its error. If the transaction could be rolled back, the
      // works that ran before it go again first in the next transaction; if not (the connection is lost), the
      // outage is theirs to see too.
      const rolledBack = await this.abandon(runner, error);
      (group[next] as Entry<P>).reject(error);
      if (!rolledBack) for (const { entry } of ran) entry.reject(error);
      this.options.onGroup?.({
        works: ran.length + 1,
        failed: 1,
        committed: false,
        ...(rolledBack && ran.length > 0 ? { redone: ran.length } : {}),
      });
      const later = group.slice(next + 1);
      return rolledBack ? [...ran.map((r) => r.entry), ...later] : later;
    }
    try {
      await runner.commitTransaction();
    } catch (error) {
      await this.abandon(runner, error);
      for (const { entry } of ran) entry.reject(error);
      this.options.onGroup?.({ works: ran.length, failed: 0, committed: false });
      return group.slice(next);
    }
    await runner.release();
    this.options.onGroup?.({ works: ran.length, failed: 0, committed: true });
    for (const { entry, value } of ran) entry.resolve(value);
    return group.slice(next);
  }

  /**
   * Ends a failed transaction; a connection that cannot roll back is not reused. Returns whether the
   * transaction was rolled back (false: the connection is lost).
   */
  private async abandon(runner: QueryRunner, cause: unknown): Promise<boolean> {
    let reusable = true;
    if (runner.isTransactionActive) {
      try {
        await runner.query('ROLLBACK');
      } catch {
        reusable = false;
      }
    }
    const release = (runner as { releasePostgresConnection?: (err?: unknown) => Promise<void> })
      .releasePostgresConnection;
    if (!reusable && release)
      await release.call(runner, cause instanceof Error ? cause : new Error(String(cause)));
    else await runner.release();
    return reusable;
  }
}
function later(ms: number, run: () => void): { cancel: () => void } {
  const timer = setTimeout(run, ms);
  return { cancel: () => clearTimeout(timer) };
}

function soon(run: () => void): { cancel: () => void } {
  const immediate = setImmediate(run);
  return { cancel: () => clearImmediate(immediate) };
}
