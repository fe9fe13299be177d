import type { Category, RecordChange } from '@practice-sync/contracts';
import { createEnvelope, SyncJobCompletedEvent } from '@practice-sync/contracts';
import type { OutgoingEvent } from '@practice-sync/messaging';
import { enqueueEvents } from '@practice-sync/messaging';
import { contextFromTraceparent, inSpan } from '@practice-sync/observability';
import type { GroupCommit } from '@practice-sync/persistence';
import { retryWhileDatabaseUnavailable } from '@practice-sync/persistence';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';

import { outcomeOfFetch, toHashMap } from './change-detection';
import type { ConnectorMetrics } from './connector-metrics';
import { runInJobContext } from './job-context';
import type { HandledJob, HandledResult, JobHandler } from './job-handler';
import type { JobResult } from './job-outcome';
import {
  completedEventData,
  failureResult,
  partsOf,
  successResult,
  toPortalError,
  unsupportedCategory,
} from './job-outcome';
import type { ClaimedJob, JobStore } from './job-store';
import { countsAgainstPortal } from './portal-breaker';
import { PortalError } from './portal-error';
import type { FetchResult, PortalFetcher } from './portal-fetcher';
import type { OutageVerdict, PortalOutage } from './portal-outage';
import { diffRecords, recordsChangedEvents } from './record-changes';
import type { SnapshotKey } from './snapshot-store';
import { loadSnapshot, saveSnapshot } from './snapshot-store';
import { taxpayerOutcomes } from './taxpayer-outcomes';
import { untilAborted } from './until-aborted';

export interface JobRunnerOptions {
  dataSource: DataSource;
  /**
   * Where the finishing transactions go: jobs finishing together share one transaction (one per connector
   * process; see `GroupCommit`). Without it each job commits its own.
   */
  groupCommit?: Pick<GroupCommit, 'submit'>;
  store: JobStore;
  fetchers: readonly PortalFetcher[];
  /** Runs the jobs of its categories instead of a fetcher (see `JobHandler`). */
  handler?: JobHandler;
  metrics: ConnectorMetrics;
  logger: Logger;
  /** Limit for one whole fetch (every page). */
  fetchTimeoutMs: number;
  /** Claims after which a job that keeps dying with its process is failed instead of tried again. */
  maxClaims: number;
  /** Serialized size budget of one client.records.v1 message. */
  recordsChunkBytes?: number;
  now?: () => Date;
  /** The portal's outage: jobs that run into it wait for the portal instead of failing (see `PortalOutage`). */
  outage?: Pick<PortalOutage, 'beforeRun' | 'afterFailure'>;
}

/** Thrown into a fetch when the process is stopping: the job is released, not failed. */
export class ShutdownAbort extends Error {
  constructor() {
    super('connector is shutting down');
    this.name = 'ShutdownAbort';
  }
}

/** Thrown inside the finishing transaction to roll it back when another worker has re-claimed the job. */
class LeaseLost extends Error {
  constructor() {
    super('the lease on the job was lost to another worker');
    this.name = 'LeaseLost';
  }
}

type Bounded<T> = { ok: true; result: T } | { ok: false; error: PortalError } | { ok: 'released' };
type Fetched = Bounded<FetchResult>;

/** Runs one claimed job: fetch, compare with the last snapshot, and finish it in one transaction. */
export class JobRunner {
  private readonly fetchers: Map<Category, PortalFetcher>;
  private readonly now: () => Date;

  constructor(private readonly options: JobRunnerOptions) {
    this.fetchers = new Map(options.fetchers.map((f) => [f.category, f]));
    this.now = options.now ?? (() => new Date());
  }

  get categories(): string[] {
    return [...this.fetchers.keys(), ...(this.options.handler?.categories ?? [])];
  }

  /**
   * Runs the job in a `run job` span, child of the consumer span that recorded it, so its portal calls and
   * the result and records it enqueues are in the job's trace.
   */
  run(claimed: ClaimedJob, shutdown: AbortSignal): Promise<void> {
    const { job } = claimed;
    const attributes = { 'job.id': job.jobId, 'job.attempt': job.attempt, 'job.category': job.category };
    const parent = contextFromTraceparent(claimed.traceParent);
    return inSpan('run job', { attributes, parent }, () => this.runClaimed(claimed, shutdown));
  }

  private async runClaimed(claimed: ClaimedJob, shutdown: AbortSignal): Promise<void> {
    const { job } = claimed;
    const { handler } = this.options;
    if (handler?.categories.includes(job.category)) return this.runHandled(handler, claimed, shutdown);
    const log = this.options.logger.child({
      firmId: job.firmId,
      runId: job.runId,
      clientId: job.clientId,
      jobId: job.jobId,
      attempt: job.attempt,
      category: job.category,
    });
    const fetched = await this.fetchUnlessPortalDown(claimed, shutdown);
    if (fetched.ok === 'released') return;
    if (fetched.ok === 'held') {
      const held = await this.options.store.holdForOutage(claimed);
      log.info(
        { downForMs: fetched.downForMs, held },
        held
          ? 'portal is down: job waits for it (no attempt spent)'
          : 'portal is down; the job is no longer ours',
      );
      return;
    }
    const result = await this.finish(claimed, fetched, shutdown);
    if (!result) {
      log.warn('lease on the job was lost to another worker; its result is theirs to report');
      return;
    }
    const { completion } = result;
    this.options.metrics.jobFinished(job.category, completion.outcome);
    if (result.retryAfterMs !== undefined) this.options.metrics.rateLimitedJob(job.category);
    log.info(
      {
        outcome: completion.outcome,
        errorCode: completion.errorCode,
        // The technical cause (network code, errno) the staff message leaves out.
        cause: fetched.ok === false ? fetched.error.details : undefined,
        counts: completion.counts,
        retryAfterMs: result.retryAfterMs,
      },
      completion.errorMessage ?? `job ${completion.outcome}`,
    );
  }

  /**
   * The fetch, unless the portal is down: with its breaker open the job is not tried (it waits, `held`); a fetch
   * that failed because the portal went down meanwhile (the job failed, or one of its parts did) waits too. Past
   * PORTAL_OUTAGE_WAIT_MS of outage the job fails with the outage's message instead.
   */
  private async fetchUnlessPortalDown(
    claimed: ClaimedJob,
    shutdown: AbortSignal,
  ): Promise<Fetched | { ok: 'held'; downForMs: number }> {
    const outage = this.options.outage;
    if (!outage) return this.fetch(claimed, shutdown);
    const before = outage.beforeRun();
    if (before.kind === 'wait') return { ok: 'held', downForMs: before.downForMs };
    if (before.kind === 'give_up') return { ok: false, error: before.error };
    const fetched = await this.fetch(claimed, shutdown);
    if (fetched.ok === 'released') return fetched;
    const failure =
      fetched.ok === false
        ? fetched.error
        : fetched.result.parts?.find((p) => p.error && countsAgainstPortal(p.error))?.error;
    if (!failure) return fetched;
    const after: OutageVerdict = outage.afterFailure(failure);
    if (after.kind === 'wait') return { ok: 'held', downForMs: after.downForMs };
    // Past the wait, a failed job says how long the portal is down; a partial one keeps what it fetched.
    if (after.kind === 'give_up' && fetched.ok === false) return { ok: false, error: after.error };
    return fetched;
  }

  private async fetch(claimed: ClaimedJob, shutdown: AbortSignal): Promise<Fetched> {
    const { job } = claimed;
    const tooMany = this.tooManyClaims(claimed);
    if (tooMany) return { ok: false, error: tooMany };
    const fetcher = this.fetchers.get(job.category);
    if (!fetcher) return { ok: false, error: unsupportedCategory(job.category) };
    return this.bounded(claimed, shutdown, `fetching ${job.category}`, (signal) =>
      fetcher.fetch(job, signal),
    );
  }

  private tooManyClaims(claimed: ClaimedJob): PortalError | null {
    if (claimed.claimCount <= this.options.maxClaims) return null;
    const message = `the job was started ${claimed.claimCount - 1} times without finishing (the connector stopped each time); giving up`;
    return new PortalError('internal', message, { retryable: false });
  }

  /** Runs a job's work within `fetchTimeoutMs`, in the job's context; a shutdown releases the job. */
  private async bounded<T>(
    claimed: ClaimedJob,
    shutdown: AbortSignal,
    what: string,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<Bounded<T>> {
    const { job } = claimed;
    const controller = new AbortController();
    const seconds = Math.round(this.options.fetchTimeoutMs / 1000);
    const timer = setTimeout(
      () => controller.abort(new PortalError('timeout', `${what} took longer than ${seconds} s`)),
      this.options.fetchTimeoutMs,
    );
    const onShutdown = () => controller.abort(new ShutdownAbort());
    if (shutdown.aborted) onShutdown();
    shutdown.addEventListener('abort', onShutdown, { once: true });
    try {
      // The race ends the job on time even if a fetcher ignores its signal.
      const result = await untilAborted(
        runInJobContext({ firmId: job.firmId }, () => work(controller.signal)),
        controller.signal,
      );
      return { ok: true, result };
    } catch (error) {
      if (controller.signal.reason instanceof ShutdownAbort) return { ok: 'released' };
      return { ok: false, error: toPortalError(error) };
    } finally {
      clearTimeout(timer);
      shutdown.removeEventListener('abort', onShutdown);
    }
  }

  /**
   * One transaction (or a share of the group commit's, with the jobs finishing alongside): snapshot
   * compare + write, job done (fenced: only while this claim owns the job), result into the outbox. A lost lease
   * rolls all of this job's writes back: its result is the new owner's to report.
   */
  private async finish(
    claimed: ClaimedJob,
    fetched: Exclude<Fetched, { ok: 'released' }>,
    shutdown: AbortSignal,
  ): Promise<JobResult | null> {
    try {
      return await this.whileDatabaseUnavailable(claimed, shutdown, () => this.finishOwned(claimed, fetched));
    } catch (error) {
      if (error instanceof LeaseLost) return null;
      throw error;
    }
  }

  private async finishOwned(
    claimed: ClaimedJob,
    fetched: Exclude<Fetched, { ok: 'released' }>,
  ): Promise<JobResult> {
    const { job } = claimed;
    return this.transaction(async (manager) => {
      const finishedAt = this.now();
      const events: OutgoingEvent[] = [];
      let result: JobResult;
      if (fetched.ok === true) {
        const key: SnapshotKey = {
          firmId: job.firmId,
          clientId: job.clientId,
          subjectKind: job.subject.kind,
          subjectValue: job.subject.value,
          category: job.category,
          period: job.period,
        };
        const { records, parts, noDataReason } = fetched.result;
        const failedPrefixes = (parts ?? []).filter((p) => p.error).map((p) => p.keyPrefix);
        const current = toHashMap(records);
        const previous = await loadSnapshot(manager, key);
        const fetch = outcomeOfFetch(previous, current, failedPrefixes);
        result = successResult(fetch, finishedAt, job, parts ? partsOf(parts, records) : null, noDataReason);
        if (fetched.result.taxpayers) {
          result.taxpayers = taxpayerOutcomes(fetched.result.taxpayers, previous, current);
        }
        // Only what was added, updated or removed is published (a failed part's records are left as they were).
        const changes = diffRecords(fetch.compared, records);
        if (changes.length) events.push(...this.recordEvents(claimed, changes));
        await saveSnapshot(manager, key, fetch.snapshot, job.jobId, finishedAt);
      } else {
        result = failureResult(fetched.error, finishedAt);
      }
      if (!(await this.options.store.markDone(manager, claimed, result.completion))) throw new LeaseLost();
      const envelope = createEnvelope(
        SyncJobCompletedEvent,
        completedEventData(job, claimed.startedAt, result),
        {
          firmId: job.firmId,
          correlationId: job.runId,
          causationId: claimed.requestEventId,
        },
      );
      // Records first, then the result: same key (client id), so consumers see them in this order.
      events.push({ contract: SyncJobCompletedEvent, envelope });
      await enqueueEvents(manager, events);
      return result;
    });
  }

  /** A `JobHandler`'s job: its work bounded like a fetch, then its writes and events in the fenced finish. */
  private async runHandled(handler: JobHandler, claimed: ClaimedJob, shutdown: AbortSignal): Promise<void> {
    const { job } = claimed;
    const handled: HandledJob = {
      jobId: job.jobId,
      attempt: job.attempt,
      runId: job.runId,
      firmId: job.firmId,
      category: job.category,
      requestEventId: claimed.requestEventId,
      startedAt: claimed.startedAt,
      payload: claimed.payload,
    };
    const tooMany = this.tooManyClaims(claimed);
    const done: Bounded<HandledResult> = tooMany
      ? { ok: false, error: tooMany }
      : await this.bounded(claimed, shutdown, `the ${job.category} job`, (signal) =>
          handler.handle(handled, signal),
        );
    if (done.ok === 'released') return;
    const result = done.ok ? done.result : handler.failed(handled, done.error);
    const log = this.options.logger.child({ firmId: job.firmId, runId: job.runId, jobId: job.jobId });
    try {
      await this.whileDatabaseUnavailable(claimed, shutdown, () =>
        this.transaction(async (manager) => {
          const completion = { ...result.completion, finishedAt: this.now() };
          const events = await result.persist(manager, completion.finishedAt);
          if (!(await this.options.store.markDone(manager, claimed, completion))) throw new LeaseLost();
          await enqueueEvents(manager, events);
        }),
      );
    } catch (error) {
      if (!(error instanceof LeaseLost)) throw error;
      log.warn('lease on the job was lost to another worker; its result is theirs to report');
      return;
    }
    this.options.metrics.jobFinished(job.category, result.completion.outcome);
    log.info(
      {
        category: job.category,
        outcome: result.completion.outcome,
        errorCode: result.completion.errorCode,
        cause: done.ok === false ? done.error.details : undefined,
      },
      result.completion.errorMessage ?? `job ${result.completion.outcome}`,
    );
  }

  /**
   * A finishing transaction: the job's own, or its share of the group commit's next transaction. Either way a
   * throw (LeaseLost) fails this job alone (the jobs that finished before it in the group are written again in
   * the next transaction: the work is safe to repeat, see below), and a failed COMMIT reaches this job's caller.
   */
  private transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const { groupCommit, dataSource } = this.options;
    return groupCommit ? groupCommit.submit(work) : dataSource.transaction(work);
  }

  /**
   * The finishing transaction, tried again while the database is unreachable (a restart, killed connections):
   * the fetched result is kept, not dropped with the job left `running` until its lease (60 s) runs out — what
   * made a PostgreSQL restart mid-run take 3.7× the clean run. Safe to repeat: the completion is fenced by
   * `claim_count` (a commit whose answer was lost finds the job done and ends as a lost lease, its result already
   * in the outbox), and the snapshot compare is redone inside each try.
   */
  private whileDatabaseUnavailable<T>(
    claimed: ClaimedJob,
    shutdown: AbortSignal,
    work: () => Promise<T>,
  ): Promise<T> {
    const { job } = claimed;
    return retryWhileDatabaseUnavailable(work, {
      signal: shutdown,
      onUnavailable: (error) =>
        this.options.logger.warn(
          { jobId: job.jobId, err: error instanceof Error ? error.message : String(error) },
          'the database is unreachable; the job keeps its result and finishes once it answers',
        ),
      onBack: (outageMs) =>
        this.options.logger.info(
          { jobId: job.jobId, outageMs },
          'the database answers again; finishing the job',
        ),
    });
  }

  private recordEvents(claimed: ClaimedJob, changes: RecordChange[]): OutgoingEvent[] {
    const { job } = claimed;
    for (const change of ['added', 'updated', 'removed'] as const) {
      this.options.metrics.recordsPublished(
        job.category,
        change,
        changes.filter((c) => c.change === change).length,
      );
    }
    return recordsChangedEvents(
      job,
      changes,
      this.options.recordsChunkBytes ?? 256_000,
      claimed.requestEventId,
    );
  }
}
