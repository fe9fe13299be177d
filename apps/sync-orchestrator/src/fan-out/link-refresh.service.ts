import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { BooksCategory } from '@practice-sync/contracts';
import { DataSource } from 'typeorm';

import type { ClientDirectory } from '../client-master/client-master.client';
import { CLIENT_DIRECTORY } from '../client-master/client-master.client';
import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { DispatchWorker } from '../dispatch/dispatch.worker';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import type { BooksJobSnapshot } from '../runs/job-kind';
import { lockRun, saveRunAndAnnounce } from '../runs/run-announcer';
import { moveJob, totalsColumns, totalsOf } from '../runs/run-totals';
import { SyncJobEntity } from '../runs/sync-job.entity';
import type { SelectedLink } from './link-job-planner';
import { planLinkJobs } from './link-job-planner';

/** Stale books jobs re-read per pass. */
const BATCH = 500;

interface StaleJob {
  id: string;
  run_id: string;
  firm_id: string;
  link_id: string;
  category: BooksCategory;
  books: BooksJobSnapshot | null;
}

/**
 * Keeps what a pending books job will send fresh: the dispatcher sends a books job only with its link's books
 * servers and rules read within BOOKS_LINK_MAX_AGE_MS (fan-out reads them; a job queued behind the caps or
 * waiting out a back-off grows stale). This re-reads stale ones from client-master — outside any transaction,
 * in its own loop, so a slow client-master never holds the dispatcher — and then, under the run's row lock,
 * either refreshes the job's snapshot or, when the link has no active rule for the class any more (rejected
 * meanwhile) or is gone, finishes it `skipped` saying why. A rule activated meanwhile is taken too.
 */
@Injectable()
export class LinkRefreshService {
  private readonly logger = new Logger(LinkRefreshService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLIENT_DIRECTORY) private readonly directory: ClientDirectory,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: OrchestratorMetrics,
    private readonly dispatcher: DispatchWorker,
  ) {}

  /** One pass; the number of jobs refreshed or skipped. */
  async run(): Promise<number> {
    const stale: StaleJob[] = await this.dataSource.query(
      `SELECT j.id, j.run_id, j.firm_id, j.link_id, j.category, j.books
         FROM sync_runs r JOIN sync_jobs j ON j.run_id = r.id
        WHERE r.status = 'running' AND j.status = 'pending' AND split_part(j.category, '.', 1) = 'books'
          AND j.waiting_for_job_id IS NULL AND j.link_id IS NOT NULL
          AND (j.next_attempt_at IS NULL OR j.next_attempt_at <= now() + $1 * interval '1 millisecond')
          AND (j.link_checked_at IS NULL OR j.link_checked_at < now() - $1 * interval '1 millisecond' / 2)
        ORDER BY j.run_id, j.id LIMIT ${BATCH}`,
      [this.config.BOOKS_LINK_MAX_AGE_MS],
    );
    if (stale.length === 0) return 0;
    const byFirm = new Map<string, StaleJob[]>();
    for (const j of stale) byFirm.set(j.firm_id, [...(byFirm.get(j.firm_id) ?? []), j]);
    let changed = 0;
    for (const [firmId, jobs] of byFirm) {
      const links = await this.readLinks(firmId, [...new Set(jobs.map((j) => j.link_id))]);
      for (const runId of [...new Set(jobs.map((j) => j.run_id))].sort()) {
        changed += await this.apply(
          runId,
          jobs.filter((j) => j.run_id === runId),
          links,
        );
      }
    }
    if (changed > 0) this.dispatcher.nudge();
    return changed;
  }

  private async readLinks(firmId: string, ids: string[]): Promise<Map<string, SelectedLink>> {
    const found = new Map<string, SelectedLink>();
    let cursor: string | null = null;
    do {
      const page = await this.directory.selectLinks(firmId, { ids }, cursor, this.config.FAN_OUT_PAGE_SIZE);
      for (const l of page.items) found.set(l.id, l);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return found;
  }

  private async apply(runId: string, jobs: StaleJob[], links: Map<string, SelectedLink>): Promise<number> {
    const skipped: StaleJob[] = [];
    const { count, terminal } = await this.dataSource.transaction(async (manager) => {
      const run = await lockRun(manager, runId);
      if (!run || run.status !== 'running') return { count: 0, terminal: null };
      // Only jobs still pending: one dispatched or cancelled meanwhile is left as it is.
      const still: { id: string }[] = await manager.query(
        `SELECT id FROM sync_jobs WHERE id = ANY($1::uuid[]) AND status = 'pending' FOR UPDATE`,
        [jobs.map((j) => j.id)],
      );
      const pending = new Set(still.map((r) => r.id));
      const now = this.clock.now();
      let totals = totalsOf(run);
      for (const job of jobs.filter((j) => pending.has(j.id))) {
        const link = links.get(job.link_id);
        const plan = link ? planLinkJobs([link], [job.category], () => job.id, job.books?.snapshot)[0] : null;
        const reason = plan
          ? plan.skipReason
          : `branch link ${job.link_id} no longer exists in this firm; nothing moved`;
        if (reason === null) {
          await manager.update(SyncJobEntity, job.id, { books: plan?.books ?? null, linkCheckedAt: now });
          continue;
        }
        await manager.update(SyncJobEntity, job.id, {
          status: 'done',
          outcome: 'skipped',
          errorCode: null,
          errorMessage: reason,
          retryable: false,
          nextAttemptAt: null,
          linkCheckedAt: now,
          finishedAt: now,
          updatedAt: now,
        });
        totals = moveJob(totals, 'pending', 'skipped');
        skipped.push(job);
      }
      if (skipped.length === 0) return { count: pending.size, terminal: null };
      Object.assign(run, totalsColumns(totals));
      const terminal = await saveRunAndAnnounce(manager, run, {
        now,
        causationId: run.id,
        progressIntervalMs: this.config.PROGRESS_INTERVAL_MS,
      });
      return { count: pending.size, terminal };
    });
    for (const job of skipped) {
      this.metrics.jobCompleted('books', job.category, 'skipped');
      this.logger.log(
        { firmId: job.firm_id, runId, jobId: job.id, linkId: job.link_id },
        'books job skipped at dispatch: its link has no active rule for the class any more',
      );
    }
    if (terminal) this.metrics.runEntered(terminal);
    return count;
  }
}
