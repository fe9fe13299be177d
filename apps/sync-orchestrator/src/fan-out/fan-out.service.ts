import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { BooksCategory } from '@practice-sync/contracts';
import { isBooksCategory, isCategory } from '@practice-sync/contracts';
import { enqueueEvents, KafkaMessaging, LIVE_PROCESS_IDS_SQL } from '@practice-sync/messaging';
import { contextFromTraceparent, inSpan } from '@practice-sync/observability';
import { returnedRows } from '@practice-sync/persistence';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { ClientDirectory, ClientPage, LinkPage } from '../client-master/client-master.client';
import { CLIENT_DIRECTORY, ClientMasterError } from '../client-master/client-master.client';
import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { DispatchWorker } from '../dispatch/dispatch.worker';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import { jobPortalOf } from '../runs/job-kind';
import type { PlannedJob } from '../runs/planned-job';
import { saveRunAndAnnounce } from '../runs/run-announcer';
import { runChangedEvent } from '../runs/run-events';
import type { ClientSelection, LinkSelection } from '../runs/run-scope';
import { isRetrySelection } from '../runs/run-scope';
import { addJobs } from '../runs/run-totals';
import { totalsColumns, totalsOf } from '../runs/run-totals';
import { SyncJobEntity } from '../runs/sync-job.entity';
import { SyncRunEntity } from '../runs/sync-run.entity';
import { planJobs } from './job-planner';
import { insertJobs } from './job-rows';
import type { SelectedLink } from './link-job-planner';
import { planLinkJobs } from './link-job-planner';

/** How long a worker owns a run's fan-out without renewing; after that another instance may resume it. */
const LEASE_SQL = `now() + interval '30 seconds'`;
/**
 * Back-off before retrying a run whose client-master page failed (a permanent error waits longer). 2 s: a
 * restarted client-master answers again within a few seconds (the chaos suite measured 10 s of back-off as most of
 * the 1.44× slowdown of a client-master kill during fan-out), and one page request every 2 s per run costs nothing.
 */
const RETRY_SQL = `now() + interval '2 seconds'`;
const PERMANENT_RETRY_SQL = `now() + interval '5 minutes'`;

type PageResult = { state: 'more' | 'done' | 'superseded' };

/**
 * Turns a queued run into jobs, one client-master page per transaction: the page's `pending` (or `skipped`)
 * job rows, the run's cursor and totals, and its SyncRunChanged progress (outbox, coalesced) commit together, so a crash
 * resumes from the last committed page and never loses or duplicates a job. It sends no job anywhere: the
 * dispatcher (nudged after each page) moves pending jobs to `running` within the caps and publishes their
 * SyncJobRequested.
 */
@Injectable()
export class FanOutService {
  private readonly logger = new Logger(FanOutService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLIENT_DIRECTORY) private readonly directory: ClientDirectory,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: OrchestratorMetrics,
    private readonly dispatcher: DispatchWorker,
    private readonly messaging: KafkaMessaging,
  ) {}

  /**
   * Leases the oldest run whose fan-out is unfinished and not leased by a live worker; null if none. A lease
   * whose owner's PostgreSQL session is gone (the instance was killed) is taken over at once instead of after
   * the 30 s lease: `fan_out_owner` is the owner's liveness identity (ProcessLiveness). A back-off after a
   * failed page has no owner, so it is always waited out.
   */
  async claimNext(): Promise<string | null> {
    const owner = this.messaging.liveness.id ?? (await this.messaging.liveness.start().catch(() => null));
    // One statement, committed on its own: the run is locked (skipping any another instance is claiming) and
    // leased by the same UPDATE. The fan-out worker polls this every FAN_OUT_POLL_MS, mostly finding nothing.
    const rows = returnedRows<{ id: string }>(
      await this.dataSource.query(
        `UPDATE sync_runs SET fan_out_lease_until = ${LEASE_SQL}, fan_out_owner = $1
          WHERE id = (
            SELECT id FROM sync_runs
             WHERE fan_out_done_at IS NULL AND status IN ('queued', 'running')
               AND (fan_out_lease_until IS NULL OR fan_out_lease_until < now()
                    OR (fan_out_owner IS NOT NULL AND fan_out_owner NOT IN (${LIVE_PROCESS_IDS_SQL})))
             ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING id`,
        [owner],
      ),
    );
    return rows[0]?.id ?? null;
  }

  /** Fans out a leased run page by page; on a client-master failure records it and backs off. */
  async fanOut(runId: string, shouldStop: () => boolean): Promise<void> {
    try {
      await this.fanOutPages(runId, shouldStop);
      // Stopping between pages: hand the rest to whichever instance polls next instead of waiting out the lease.
      if (shouldStop()) {
        await this.dataSource.manager.update(
          SyncRunEntity,
          { id: runId },
          { fanOutLeaseUntil: null, fanOutOwner: null },
        );
      }
    } catch (e) {
      const permanent = e instanceof ClientMasterError && e.permanent;
      const message = e instanceof Error ? e.message : String(e);
      this.logger.error({ runId, err: message, permanent }, 'fan-out failed; will retry');
      await this.dataSource.manager.update(SyncRunEntity, runId, {
        fanOutError: message.slice(0, 2000),
        fanOutLeaseUntil: () => (permanent ? PERMANENT_RETRY_SQL : RETRY_SQL),
        fanOutOwner: null,
      });
    }
  }

  private async fanOutPages(runId: string, shouldStop: () => boolean): Promise<void> {
    while (!shouldStop()) {
      const run = await this.dataSource.manager.findOne(SyncRunEntity, { where: { id: runId } });
      if (!run || run.fanOutDoneAt || (run.status !== 'queued' && run.status !== 'running')) return;
      if (run.status === 'queued') {
        await this.start(runId);
        continue;
      }
      // In the trace of the request that created the run, like the dispatch of its jobs.
      const trace = { parent: contextFromTraceparent(run.traceParent), attributes: { 'run.id': run.id } };
      const result = await inSpan('fan out page', trace, () => this.applyNextPage(run));
      if (result.state !== 'more') return;
    }
  }

  private async applyNextPage(run: SyncRunEntity): Promise<PageResult> {
    if (isRetrySelection(run.selection)) return this.applyRetryPage(run, run.selection.retryOf);
    // Retry runs stored before `{ retryOf }` selections list their clients' ids, and have `retryOf` too.
    if (run.retryOf) return this.applyRetryPage(run, run.retryOf);
    if (run.subjectKind === 'links') {
      const links = await this.directory.selectLinks(
        run.firmId,
        run.selection as LinkSelection,
        run.fanOutCursor,
        this.config.FAN_OUT_PAGE_SIZE,
      );
      return this.applyLinkPage(run.id, run.fanOutPage, links);
    }
    const page = await this.directory.selectClients(
      run.firmId,
      run.selection as ClientSelection,
      run.fanOutCursor,
      this.config.FAN_OUT_PAGE_SIZE,
    );
    return this.applyPage(run.id, run.fanOutPage, page);
  }

  /** One job per link × books category, with the link's books servers and active rules (see link-job-planner). */
  private async applyLinkPage(runId: string, expectedPage: number, page: LinkPage): Promise<PageResult> {
    return this.applyPlanned(runId, expectedPage, page.nextCursor, (run) =>
      planLinkJobs(page.items, run.categories.filter(isBooksCategory), uuidv7, run.booksSnapshot),
    );
  }

  /** queued → running, announced with a `started` event. */
  private async start(runId: string): Promise<void> {
    const started = await this.dataSource.transaction(async (manager) => {
      const run = await manager.findOne(SyncRunEntity, {
        where: { id: runId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!run || run.status !== 'queued') return false;
      const now = this.clock.now();
      run.status = 'running';
      run.startedAt = now;
      run.updatedAt = now;
      await manager.update(SyncRunEntity, runId, { status: 'running', startedAt: now, updatedAt: now });
      await enqueueEvents(manager, [runChangedEvent(run, 'started', run.id)]);
      return true;
    });
    if (started) this.metrics.runEntered('running');
  }

  private async applyPage(runId: string, expectedPage: number, page: ClientPage): Promise<PageResult> {
    return this.applyPlanned(runId, expectedPage, page.nextCursor, (run) =>
      planJobs(page.items, run.categories.filter(isCategory), run.period, uuidv7),
    );
  }

  /**
   * A retry run (POST …/retry) is fanned out from its source run's failed jobs, a page at a time by job id
   * (`fan_out_cursor` holds the last source job id copied): the same client, category, identifier and period,
   * as new jobs of this run. Only one page of the source's jobs is ever in memory.
   */
  private async applyRetryPage(run: SyncRunEntity, sourceRunId: string): Promise<PageResult> {
    const size = this.config.FAN_OUT_PAGE_SIZE;
    const failed = await this.dataSource.manager
      .createQueryBuilder(SyncJobEntity, 'j')
      .where(`j.run_id = :source AND j.outcome IN ('failed', 'partial')`, { source: sourceRunId })
      .andWhere(run.fanOutCursor ? 'j.id > :after' : 'TRUE', { after: run.fanOutCursor })
      .orderBy('j.id', 'ASC')
      .take(size + 1)
      .getMany();
    const page = failed.slice(0, size);
    const nextCursor = failed.length > size ? page[page.length - 1].id : null;
    if (run.subjectKind === 'links') return this.applyLinkRetryPage(run, page, nextCursor);
    return this.applyPlanned(run.id, run.fanOutPage, nextCursor, () =>
      page.map((j) => ({
        id: uuidv7(),
        clientId: j.clientId,
        clientName: j.clientName,
        linkId: null,
        books: null,
        category: j.category,
        portal: jobPortalOf(j.category),
        subject: { kind: j.subjectKind, value: j.subjectValue },
        period: j.period,
        skipReason: null,
      })),
    );
  }

  /**
   * A retry of a branch sync run re-reads its failed jobs' links from client-master rather than copying the
   * source jobs' books servers and rules: a rule rejected (or a link deleted) since the source run is
   * honoured, so a retry never moves what the server side has refused meanwhile.
   */
  private async applyLinkRetryPage(
    run: SyncRunEntity,
    page: SyncJobEntity[],
    nextCursor: string | null,
  ): Promise<PageResult> {
    const ids = [...new Set(page.map((j) => j.linkId).filter((id): id is string => id !== null))];
    const found = new Map<string, SelectedLink>();
    let cursor: string | null = null;
    do {
      if (ids.length === 0) break;
      const links = await this.directory.selectLinks(
        run.firmId,
        { ids },
        cursor,
        this.config.FAN_OUT_PAGE_SIZE,
      );
      for (const l of links.items) found.set(l.id, l);
      cursor = links.nextCursor;
    } while (cursor !== null);
    return this.applyPlanned(run.id, run.fanOutPage, nextCursor, () =>
      page.flatMap((j): PlannedJob[] => {
        if (j.linkId === null || !isBooksCategory(j.category)) return [];
        const link = found.get(j.linkId);
        if (link) return planLinkJobs([link], [j.category as BooksCategory], uuidv7, j.books?.snapshot);
        return [
          {
            id: uuidv7(),
            clientId: null,
            clientName: null,
            linkId: j.linkId,
            books: null,
            category: j.category,
            portal: 'books',
            subject: { kind: 'link', value: j.linkId },
            period: null,
            skipReason: `branch link ${j.linkId} no longer exists in this firm; nothing moved`,
          },
        ];
      }),
    );
  }

  private async applyPlanned(
    runId: string,
    expectedPage: number,
    nextCursor: string | null,
    plan: (run: SyncRunEntity) => PlannedJob[],
  ): Promise<PageResult> {
    let created: PlannedJob[] = [];
    let terminal: 'completed' | 'cancelled' | null = null;
    const result = await this.dataSource.transaction(async (manager): Promise<PageResult> => {
      // The run row lock serialises this page with result handlers and the dispatcher.
      const run = await manager.findOne(SyncRunEntity, {
        where: { id: runId },
        lock: { mode: 'pessimistic_write' },
      });
      // Someone else already applied this page (an expired lease taken over), or the run was cancelled.
      if (!run || run.status !== 'running' || run.fanOutDoneAt || run.fanOutPage !== expectedPage) {
        return { state: 'superseded' };
      }
      const now = this.clock.now();
      const planned = plan(run);
      const inserted = await insertJobs(manager, run, planned, now);
      created = planned.filter((j) => inserted.has(j.id));
      const done = nextCursor === null;
      const totals = addJobs(
        totalsOf(run),
        created.map((j) => (j.skipReason === null ? 'pending' : 'skipped')),
      );
      Object.assign(run, totalsColumns(totals), {
        fanOutPage: expectedPage + 1,
        fanOutCursor: nextCursor,
        fanOutError: null,
        fanOutDoneAt: done ? now : null,
      });
      terminal = await saveRunAndAnnounce(manager, run, {
        now,
        causationId: run.id,
        progressIntervalMs: this.config.PROGRESS_INTERVAL_MS,
      });
      await this.setLease(manager, runId, !done);
      return { state: done ? 'done' : 'more' };
    });
    this.recordMetrics(created, terminal);
    if (created.some((j) => j.skipReason === null)) this.dispatcher.nudge();
    return result;
  }

  private async setLease(manager: EntityManager, runId: string, keep: boolean): Promise<void> {
    await manager.update(SyncRunEntity, runId, {
      fanOutLeaseUntil: () => (keep ? LEASE_SQL : 'NULL'),
      ...(keep ? {} : { fanOutOwner: null }),
    });
  }

  private recordMetrics(created: readonly PlannedJob[], terminal: 'completed' | 'cancelled' | null): void {
    for (const job of created) {
      if (job.skipReason !== null) this.metrics.jobCompleted(job.portal, job.category, 'skipped');
    }
    if (terminal) this.metrics.runEntered(terminal);
  }
}
