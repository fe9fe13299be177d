import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isBooksCategory } from '@practice-sync/contracts';
import { enqueueEvents } from '@practice-sync/messaging';
import { handOffSpan } from '@practice-sync/observability';
import { returnedRows } from '@practice-sync/persistence';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';

import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import { booksJobRequestedEvent, jobRequestedEvent } from '../runs/job-events';
import type { JobPortal } from '../runs/job-kind';
import { lockRun, saveRunAndAnnounce } from '../runs/run-announcer';
import { moveJob, totalsColumns, totalsOf } from '../runs/run-totals';
import type { SyncRunEntity } from '../runs/sync-run.entity';
import type { CandidateRow } from './candidate-row';
import type { CandidateGroup, InFlight } from './dispatch-policy';
import { allocate, candidateLimits, openPortals } from './dispatch-policy';
import { announceOptions } from './dispatch-step';
import { divertDuplicates } from './duplicate-jobs';

/**
 * Per running run and portal, the oldest pending jobs, as many as its firm (and the portal) has free slots.
 * Parameters: portals, their limits, then firm, portal and free slots of each firm with jobs in flight, then
 * the limit of a firm with none. Each lateral scan goes through `sync_jobs_pending_portal_idx` (run, portal,
 * id), so it reads only the jobs it returns, however many of the run's other portals are still pending.
 */
export const CANDIDATES_SQL = `SELECT c.*, p.portal FROM sync_runs r
     CROSS JOIN unnest($1::text[], $2::int[]) AS p(portal, max_jobs)
     LEFT JOIN unnest($3::text[], $4::text[], $5::int[]) AS f(firm_id, portal, free)
            ON f.firm_id = r.firm_id AND f.portal = p.portal
     CROSS JOIN LATERAL (
       SELECT j.id, j.run_id, j.firm_id, j.client_id, j.category, j.subject_kind, j.subject_value, j.period,
              j.link_id, j.books
         FROM sync_jobs j
        WHERE j.run_id = r.id AND j.status = 'pending' AND j.waiting_for_job_id IS NULL
          AND split_part(j.category, '.', 1) = p.portal
          AND (j.next_attempt_at IS NULL OR j.next_attempt_at <= now())
          -- A books job goes only with a fresh read of its link (the link refresh worker re-reads stale ones).
          AND (j.link_id IS NULL OR j.link_checked_at >= now() - $7 * interval '1 millisecond')
        ORDER BY j.id LIMIT least(p.max_jobs, coalesce(f.free, $6))) c
    WHERE r.status = 'running' AND r.pending > 0 AND coalesce(f.free, $6) > 0`;

/** Jobs in flight by firm, run and portal: what the caps are checked against. */
export const IN_FLIGHT_SQL = `SELECT firm_id, run_id, split_part(category, '.', 1) AS portal, count(*) AS n
   FROM sync_jobs WHERE status = 'running' GROUP BY 1, 2, 3`;

/**
 * Serialises dispatch passes across orchestrator instances, so the caps hold cluster-wide; and, for the rest of
 * the pass's transaction, has its scans go through their index rather than a bitmap of it. The pass's filters
 * are on statuses every job passes through (`pending`, `running`), so between two vacuums those partial indexes
 * hold an entry for each version a job left behind; an index scan marks the dead ones so the next pass skips
 * them, a bitmap scan never does. With ~67,000 such entries (10,000 clients, autovacuum off) the in-flight
 * count took 146 ms as a bitmap scan and 8 ms as an index scan once the entries were marked.
 */
export const DISPATCH_LOCK_SQL = `SELECT pg_try_advisory_xact_lock(hashtext('sync_orchestrator.dispatch')) AS locked,
         set_config('enable_bitmapscan', 'off', true)`;

/** Job topic families, each with its own caps: the portals and connector-books (`books`). */
const PORTALS: readonly JobPortal[] = ['gst', 'itr', 'esign', 'books'];

/** Dispatch pass, every pass: pending jobs to their connectors' topics (outbox), within the caps. */
@Injectable()
export class PendingJobsStep {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: OrchestratorMetrics,
  ) {}

  /** Per portal, when it allows calls again (Date.now() ms), from throttled jobs' Retry-After. */
  private readonly portalNotBefore = new Map<JobPortal, number>();

  /**
   * A job of `portal` was throttled and re-queued for `untilMs` (Date.now() ms): no job of that portal is
   * dispatched before then. Held in this process only; another orchestrator instance learns it from its own
   * throttled results (meanwhile the connectors hold their calls for the same Retry-After).
   */
  holdPortal(portal: JobPortal, untilMs: number): void {
    this.portalNotBefore.set(portal, Math.max(this.portalNotBefore.get(portal) ?? 0, untilMs));
  }

  /**
   * Dispatches pending jobs of running runs within the caps: at most DISPATCH_FIRM_MAX_IN_FLIGHT per firm and
   * portal, DISPATCH_PORTAL_MAX_IN_FLIGHT per portal, free slots going to the run with the fewest in flight.
   * A job whose data another run's job is already fetching waits for that job instead (one active job per
   * identifier, category and period).
   *
   * A pass reads only what the free slots can take, so once it has dispatched them there is nothing more to
   * do until a result frees a slot (and nudges the worker). `more` is true only when the pass left
   * dispatchable jobs behind: candidates set to wait or skipped as duplicates (their places go to the next
   * pending jobs), or chosen jobs a concurrent change took first.
   */
  async run(): Promise<{ dispatched: number; more: boolean }> {
    let dispatched: CandidateRow[] = [];
    const more = await this.dataSource.transaction(async (manager) => {
      const [{ locked }] = (await manager.query(DISPATCH_LOCK_SQL)) as { locked: boolean }[];
      if (!locked) return false;
      const inFlight = await this.inFlight(manager);
      const caps = {
        firmPortal: this.config.DISPATCH_FIRM_MAX_IN_FLIGHT,
        portal: this.config.DISPATCH_PORTAL_MAX_IN_FLIGHT,
      };
      const limits = candidateLimits(openPortals(PORTALS, this.portalNotBefore, Date.now()), inFlight, caps);
      if (limits.portals.length === 0) return false;
      const candidates: CandidateRow[] = await manager.query(CANDIDATES_SQL, [
        limits.portals,
        limits.portalLimit,
        limits.firms,
        limits.firmPortals,
        limits.firmFree,
        limits.idleFirmLimit,
        this.config.BOOKS_LINK_MAX_AGE_MS,
      ]);
      if (candidates.length === 0) return false;
      // Lock the runs first (in id order, like every other writer of several runs) so a concurrent cancel
      // either happened before this pass or waits for it: nothing is dispatched after a cancel.
      const runs = new Map<string, SyncRunEntity>();
      for (const id of [...new Set(candidates.map((c) => c.run_id))].sort()) {
        const run = await lockRun(manager, id);
        if (run && run.status === 'running') runs.set(id, run);
      }
      const eligible = candidates.filter((c) => runs.has(c.run_id));
      const free = await divertDuplicates(manager, eligible, this.clock);
      const groups = new Map<string, CandidateGroup<CandidateRow>>();
      for (const c of free) {
        const key = `${c.run_id}|${c.portal}`;
        const g = groups.get(key) ?? { runId: c.run_id, firmId: c.firm_id, portal: c.portal, jobs: [] };
        g.jobs.push(c);
        groups.set(key, g);
      }
      const chosen = allocate([...groups.values()], inFlight, caps);
      if (chosen.length > 0) dispatched = await this.markDispatched(manager, runs, chosen);
      return free.length < eligible.length || dispatched.length < chosen.length;
    });
    const byPortal = new Map<JobPortal, number>();
    for (const j of dispatched) byPortal.set(j.portal, (byPortal.get(j.portal) ?? 0) + 1);
    for (const [portal, n] of byPortal) this.metrics.jobsDispatchedTo(portal, n);
    return { dispatched: dispatched.length, more };
  }

  private async inFlight(manager: EntityManager): Promise<InFlight> {
    const rows: { firm_id: string; run_id: string; portal: JobPortal; n: string }[] =
      await manager.query(IN_FLIGHT_SQL);
    const inFlight: InFlight = { byFirmPortal: new Map(), byPortal: new Map(), byRunPortal: new Map() };
    for (const r of rows) {
      const n = Number(r.n);
      const add = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + n);
      add(inFlight.byFirmPortal, `${r.firm_id}|${r.portal}`);
      add(inFlight.byPortal, r.portal);
      add(inFlight.byRunPortal, `${r.run_id}|${r.portal}`);
    }
    return inFlight;
  }

  /** pending → running for the chosen jobs, the runs' totals, and a SyncJobRequested per job (outbox). */
  private async markDispatched(
    manager: EntityManager,
    runs: Map<string, SyncRunEntity>,
    chosen: CandidateRow[],
  ): Promise<CandidateRow[]> {
    const now = this.clock.now();
    const deadline = new Date(now.getTime() + this.config.JOB_RESULT_DEADLINE_MS);
    const eligible = chosen.filter((c) => runs.has(c.run_id));
    const updated = returnedRows<{ id: string; attempts: number }>(
      await manager.query(
        `UPDATE sync_jobs SET status = 'running', attempts = attempts + 1, dispatched_at = $2, deadline_at = $3,
                next_attempt_at = NULL, updated_at = $2
          WHERE id = ANY($1::uuid[]) AND status = 'pending' AND waiting_for_job_id IS NULL
          RETURNING id, attempts`,
        [eligible.map((c) => c.id), now, deadline],
      ),
    );
    const attemptOf = new Map(updated.map((u) => [u.id, u.attempts]));
    const sent = eligible.filter((c) => attemptOf.has(c.id));
    await enqueueEvents(
      manager,
      sent.map((c) => {
        const run = runs.get(c.run_id) as SyncRunEntity;
        // A `dispatch job` span in the trace of the request that created the run; the job message carries it.
        const traceHeaders = handOffSpan('dispatch job', run.traceParent, {
          'job.id': c.id,
          'run.id': run.id,
        });
        return { ...jobRequestedEventOf(c, run, attemptOf.get(c.id)), traceHeaders };
      }),
    );
    for (const run of runs.values()) {
      const n = sent.filter((c) => c.run_id === run.id).length;
      if (n === 0) continue;
      let totals = totalsOf(run);
      for (let i = 0; i < n; i++) totals = moveJob(totals, 'pending', 'running');
      Object.assign(run, totalsColumns(totals));
      await saveRunAndAnnounce(manager, run, announceOptions(this.config, now, run.id));
    }
    return sent;
  }
}

/** The job's request on its topic: a link's job to connector-books, a client's job to its portal's connector. */
function jobRequestedEventOf(c: CandidateRow, run: SyncRunEntity, attempt: number | undefined) {
  if (c.portal === 'books') {
    if (c.link_id === null || c.books === null || !isBooksCategory(c.category)) {
      throw new Error(`books job ${c.id} has no link or books servers to send`);
    }
    return booksJobRequestedEvent(
      { id: c.id, linkId: c.link_id, category: c.category, books: c.books },
      run,
      attempt,
    );
  }
  if (c.client_id === null || isBooksCategory(c.category) || c.subject_kind === 'link') {
    throw new Error(`job ${c.id} has no client subject to send`);
  }
  return jobRequestedEvent(
    {
      id: c.id,
      clientId: c.client_id,
      category: c.category,
      portal: c.portal,
      subject: { kind: c.subject_kind, value: c.subject_value },
      period: c.period,
    },
    run,
    attempt,
  );
}
