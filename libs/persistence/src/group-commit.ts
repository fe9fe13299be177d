import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

import { assertTransactionUsable, followTransactionStatus } from './transaction-status';

/**
 * A unit of work run inside a group transaction, on its manager, inside a savepoint of its own (or, alone in its
 * transaction, without one).
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
   * Runs first in each group transaction, before any work and outside their savepoints, with the inputs its
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
  /** Of those, works that threw and were rolled back (to their savepoint; a lone work, with the transaction). */
  failed: number;
  /**
   * Whether the transaction committed (false: BEGIN, a savepoint statement or the COMMIT failed, or the group's
   * only work threw and the transaction was rolled back).
   */
  committed: boolean;
}

interface Entry<P> {
  work: GroupWork<unknown>;
  input: P | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The name TypeORM gives the savepoint of a transaction nested one deep (`typeorm_<depth>`). */
const WORK_SAVEPOINT = 'typeorm_1';

const DEFAULT_MAX_WORKS = 64;
const DEFAULT_MAX_TRANSACTION_MS = 200;

/** The group's transaction cannot go on (a savepoint statement failed): every caller gets `cause`. */
class GroupBroken extends Error {
  constructor(readonly reason: unknown) {
    super('the group transaction broke');
  }
}

/**
 * Group commit: concurrent callers share one transaction instead of committing one each. `submit` queues a
 * work; while a group transaction runs, new works queue up and go together into the next one. The works of a
 * group run one after another on the transaction's connection (a connection runs one statement at a time),
 * each inside its own savepoint (TypeORM's nested transaction), and a work's promise settles only once the
 * transaction has committed:
 * - a work that throws is rolled back to its savepoint (its writes, and any statement error that would abort
 *   the whole transaction, are undone) and only its caller gets its error; the others commit;
 * - when BEGIN, a savepoint statement or the COMMIT fails, every caller whose work ran in the group gets that
 *   error (works not reached yet go into the next transaction), and the connection is rolled back or dropped. Callers retry as they would a transaction of their own (a database
 *   outage is seen by each, e.g. `isDatabaseUnavailable`).
 *
 * A group of one work (half the groups at low load) runs it without a savepoint: the transaction is the work's
 * own, and is rolled back if it throws. A work that caught a failed statement's error and went on is refused as
 * in a group (the connection's transaction status is followed, so this costs no statement), rather than
 * committed: PostgreSQL would answer that COMMIT with a silent ROLLBACK.
 *
 * Transaction hooks run as for nested transactions: `afterTransactionCommit` fires once for the group's COMMIT
 * (the outbox hands every committed work's rows to its relay there); a rolled-back work's outbox rows are gone
 * from the table, so the relay, which publishes only rows it deletes from it, never sends them.
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

  /** One transaction for `group`; returns the works the duration cap left for the next one. */
  private async runGroup(group: Entry<P>[]): Promise<Entry<P>[]> {
    const runner = this.dataSource.createQueryRunner();
    const begun = this.now();
    const committed: { entry: Entry<P>; value: unknown }[] = [];
    let failed = 0;
    let next = 0;
    let current: { entry: Entry<P>; error?: unknown } | null = null;
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
    if (group.length === 1) {
      await this.runAlone(runner, group[0] as Entry<P>);
      return [];
    }
    try {
      for (; next < group.length; next++) {
        if (next > 0 && this.now() - begun >= this.maxTransactionMs) break;
        const entry = group[next] as Entry<P>;
        current = { entry };
        const outcome = await this.runInSavepoint(runner, entry.work, current);
        current = null;
        if (outcome.ok) committed.push({ entry, value: outcome.value });
        else {
          failed++;
          entry.reject(outcome.error);
        }
      }
      await runner.commitTransaction();
    } catch (error) {
      const cause = error instanceof GroupBroken ? error.reason : error;
      await this.abandon(runner, cause);
      // The work being run when the group broke gets its own error if it threw one.
      if (current) current.entry.reject(current.error ?? cause);
      for (const { entry } of committed) entry.reject(cause);
      this.options.onGroup?.({
        works: committed.length + failed + (current ? 1 : 0),
        failed,
        committed: false,
      });
      // Works the group had not reached go into the next transaction: a caller gets an error only from a
      // transaction its work ran in (or whose BEGIN failed).
      return group.slice(current ? next + 1 : next);
    }
    await runner.release();
    this.options.onGroup?.({ works: committed.length + failed, failed, committed: true });
    for (const { entry, value } of committed) entry.resolve(value);
    return group.slice(next);
  }

  /** The group's only work, in the transaction without a savepoint: SAVEPOINT and RELEASE would undo nothing. */
  private async runAlone(runner: QueryRunner, entry: Entry<P>): Promise<void> {
    let value: unknown;
    let stage: 'work' | 'commit' = 'work';
    try {
      followTransactionStatus(runner.manager);
      value = await entry.work(runner.manager);
      await assertTransactionUsable(runner.manager);
      stage = 'commit';
      await runner.commitTransaction();
    } catch (error) {
      await this.abandon(runner, error);
      entry.reject(error);
      this.options.onGroup?.({ works: 1, failed: stage === 'work' ? 1 : 0, committed: false });
      return;
    }
    await runner.release();
    this.options.onGroup?.({ works: 1, failed: 0, committed: true });
    entry.resolve(value);
  }

  private async runInSavepoint(
    runner: QueryRunner,
    work: GroupWork<unknown>,
    current: { error?: unknown },
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
    await broken(runner.startTransaction()); // SAVEPOINT typeorm_1
    let value: unknown;
    try {
      value = await work(runner.manager);
    } catch (error) {
      current.error = error;
      await broken(runner.rollbackTransaction()); // ROLLBACK TO SAVEPOINT typeorm_1
      return { ok: false, error };
    }
    try {
      await runner.commitTransaction(); // RELEASE SAVEPOINT typeorm_1
    } catch (error) {
      // The work caught a failed statement's error and went on: the transaction is aborted and the release
      // refused. The savepoint is still there (TypeORM counted it released): undo the work alone.
      current.error = error;
      await broken(runner.query(`ROLLBACK TO SAVEPOINT ${WORK_SAVEPOINT}`));
      return { ok: false, error };
    }
    return { ok: true, value };
  }

  /** Ends a broken or failed group's transaction; a connection that cannot roll back is not reused. */
  private async abandon(runner: QueryRunner, cause: unknown): Promise<void> {
    let reusable = true;
    if (runner.isTransactionActive) {
      try {
        // Plain ROLLBACK ends the transaction at any savepoint depth (TypeORM's would roll back one level).
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

async function broken<T>(statement: Promise<T>): Promise<T> {
  try {
    return await statement;
  } catch (error) {
    throw new GroupBroken(error);
  }
}
