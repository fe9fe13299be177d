import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Category, Portal, SubjectKind } from '@practice-sync/contracts';
import { portalOf } from '@practice-sync/contracts';
import { enqueueEvents } from '@practice-sync/messaging';
import { returnedRows } from '@practice-sync/persistence';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';

import type { Clock } from '../common/clock';
import { CLOCK } from '../common/clock';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import { jobRequestedEvent } from '../runs/job-events';
import { lockRun, saveRunAndAnnounce } from '../runs/run-announcer';
import type { JobBucket } from '../runs/run-totals';
import { bucketOf, moveJob } from '../runs/run-totals';
import { totalsColumns, totalsOf } from '../runs/run-totals';
import { SyncJobEntity } from '../runs/sync-job.entity';
import type { SyncRunEntity } from '../runs/sync-run.entity';
import type { CandidateGroup, InFlight } from './dispatch-policy';
import {
  allocate,
  backoffMs,
  candidateLimits,
  openPortals,
  sameDataKey,
  spentAttempts,
} from './dispatch-policy';

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
       SELECT j.id, j.run_id, j.firm_id, j.client_id, j.category, j.subject_kind, j.subject_value, j.period
         FROM sync_jobs j
        WHERE j.run_id = r.id AND j.status = 'pending' AND j.waiting_for_job_id IS NULL
          AND split_part(j.category, '.', 1) = p.portal
          AND (j.next_attempt_at IS NULL OR j.next_attempt_at <= now())
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
/** Expired or waiting jobs handled per pass; the rest on the next one. */
const BATCH = 500;

interface CandidateRow {
  id: string;
  run_id: string;
  firm_id: string;
  client_id: string;
  category: Category;
  subject_kind: SubjectKind;
  subject_value: string;
  period: string | null;
  portal: Portal;
}

const PORTALS: readonly Portal[] = ['gst', 'itr', 'esign'];

/**
 * The orchestrator's control loop steps (called by DispatchWorker): expire lost jobs, hand results to jobs
 * waiting for another run's identical job, dispatch pending jobs within the caps, and flush coalesced
 * progress. Every totals change happens under the run's row lock, in the same transaction as its events.
 */
@Injectable()
export class DispatcherService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: OrchestratorMetrics,
  ) {}

  /** When the housekeeping steps are next due (Date.now() milliseconds). */
  private housekeepingDueAt = 0;
  /** Per portal, when it allows calls again (Date.now() ms), from throttled jobs' Retry-After. */
  private readonly portalNotBefore = new Map<Portal, number>();

  /**
   * A job of `portal` was throttled and re-queued for `untilMs` (Date.now() ms): no job of that portal is
   * dispatched before then. Held in this process only; another orchestrator instance learns it from its own
   * throttled results (meanwhile the connectors hold their calls for the same Retry-After).
   */
  holdPortal(portal: Portal, untilMs: number): void {
    this.portalNotBefore.set(portal, Math.max(this.portalNotBefore.get(portal) ?? 0, untilMs));
  }

  /**
   * One pass; true when it may have left work that can be done now (the worker then goes again at once).
   * Dispatch runs on every pass, since each result frees a slot. The housekeeping steps (lost jobs, waiters,
   * coalesced progress) run at most once per DISPATCH_POLL_MS: none of them needs to follow a single result at
   * once, and on every nudge they would cost three or more statements per job.
   */
  async pass(): Promise<boolean> {
    const housekeeping = Date.now() >= this.housekeepingDueAt;
    if (housekeeping) this.housekeepingDueAt = Date.now() + this.config.DISPATCH_POLL_MS;
    const expired = housekeeping ? await this.expireLostJobs() : 0;
    const reused = housekeeping ? await this.resolveWaiters() : 0;
    const done = this.metrics.dispatchTimer();
    const { more } = await this.dispatch().finally(done);
    if (housekeeping) await this.flushProgress();
    return more || reused > 0 || expired > 0;
  }

  /**
   * Jobs dispatched longer than JOB_RESULT_DEADLINE_MS ago without a result are lost (a connector died with
   * them, a message went astray): back to pending for another attempt, or failed `timeout` when none is left.
   */
  async expireLostJobs(): Promise<number> {
    const rows: { run_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT run_id FROM (
         SELECT run_id FROM sync_jobs WHERE status = 'running' AND deadline_at < now() LIMIT ${BATCH}) s
        ORDER BY run_id`,
    );
    let count = 0;
    for (const { run_id } of rows) {
      count += await this.dataSource.transaction(async (manager) => {
        const run = await lockRun(manager, run_id);
        if (!run) return 0;
        const jobs = await manager
          .createQueryBuilder(SyncJobEntity, 'j')
          .where(`j.run_id = :runId AND j.status = 'running' AND j.deadline_at < now()`, { runId: run_id })
          .setLock('pessimistic_write')
          .limit(BATCH)
          .getMany();
        const now = this.clock.now();
        let totals = totalsOf(run);
        for (const job of jobs) {
          const seconds = Math.round(this.config.JOB_RESULT_DEADLINE_MS / 1000);
          const spent = spentAttempts(job.attempts, job.deferrals);
          const retry = run.status === 'running' && spent < this.config.JOB_MAX_ATTEMPTS;
          const lost = `no result ${seconds} s after dispatch of attempt ${spent}`;
          if (retry) {
            const delay = backoffMs(spent, this.retryPolicy());
            await manager.update(SyncJobEntity, job.id, {
              status: 'pending',
              errorCode: 'timeout',
              errorMessage: `${lost}; retrying`,
              retryable: true,
              deadlineAt: null,
              nextAttemptAt: new Date(now.getTime() + delay),
              updatedAt: now,
            });
            totals = moveJob(totals, 'running', 'pending');
            this.metrics.jobRetried(portalOf(job.category), 'lost');
          } else {
            const outcome = run.status === 'running' ? 'failed' : 'cancelled';
            await manager.update(SyncJobEntity, job.id, {
              status: 'done',
              outcome,
              errorCode: outcome === 'failed' ? 'timeout' : null,
              errorMessage:
                outcome === 'failed' ? `${lost}; no attempt left` : `${lost}; the run was cancelled`,
              retryable: outcome === 'failed',
              deadlineAt: null,
              finishedAt: now,
              updatedAt: now,
            });
            totals = moveJob(totals, 'running', outcome === 'failed' ? 'failed' : 'cancelled');
          }
        }
        Object.assign(run, totalsColumns(totals));
        const terminal = await saveRunAndAnnounce(manager, run, this.announce(now, run.id));
        if (terminal) this.metrics.runEntered(terminal);
        return jobs.length;
      });
    }
    return count;
  }

  /** Jobs that waited for another run's identical job take its outcome once it is done ("reused"). */
  async resolveWaiters(): Promise<number> {
    const rows: { run_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT w.run_id FROM sync_jobs w JOIN sync_jobs t ON t.id = w.waiting_for_job_id
        WHERE w.status = 'pending' AND w.waiting_for_job_id IS NOT NULL AND t.status = 'done'
        ORDER BY w.run_id LIMIT ${BATCH}`,
    );
    let count = 0;
    for (const { run_id } of rows) {
      count += await this.dataSource.transaction(async (manager) => {
        const run = await lockRun(manager, run_id);
        if (!run) return 0;
        const pairs: (Record<string, unknown> & { waiter_id: string })[] = await manager.query(
          `SELECT w.id AS waiter_id, t.id, t.run_id, t.outcome, t.error_code, t.error_message, t.retryable,
                  t.added, t.updated, t.removed, t.unchanged, t.parts, t.taxpayers, t.started_at, t.finished_at
             FROM sync_jobs w JOIN sync_jobs t ON t.id = w.waiting_for_job_id
            WHERE w.run_id = $1 AND w.status = 'pending' AND t.status = 'done'
            FOR UPDATE OF w`,
          [run_id],
        );
        const now = this.clock.now();
        let totals = totalsOf(run);
        for (const p of pairs) {
          if (p.outcome === 'cancelled' || run.status !== 'running') {
            // The job it waited for was cancelled (or this run was): it no longer waits; dispatch decides.
            await manager.update(SyncJobEntity, p.waiter_id, { waitingForJobId: null, updatedAt: now });
            continue;
          }
          const outcome = p.outcome as SyncJobEntity['outcome'];
          const note = `reused the result of job ${String(p.id)} of run ${String(p.run_id)}, which fetched the same data (same identifier, category and period) at the same time`;
          const patch = {
            status: 'done' as const,
            outcome,
            errorCode: p.error_code as SyncJobEntity['errorCode'],
            errorMessage: p.error_message ? `${String(p.error_message)} (${note})` : note,
            retryable: p.retryable as boolean | null,
            added: Number(p.added),
            updated: Number(p.updated),
            removed: Number(p.removed),
            unchanged: Number(p.unchanged),
            parts: p.parts as SyncJobEntity['parts'],
            taxpayers: (p.taxpayers ?? null) as SyncJobEntity['taxpayers'],
            startedAt: p.started_at as Date | null,
            finishedAt: (p.finished_at as Date | null) ?? now,
          };
          await manager.update(SyncJobEntity, p.waiter_id, { ...patch, updatedAt: now });
          totals = moveJob(totals, 'pending', bucketOf(patch) as JobBucket);
        }
        Object.assign(run, totalsColumns(totals));
        const terminal = await saveRunAndAnnounce(manager, run, this.announce(now, run.id));
        if (terminal) this.metrics.runEntered(terminal);
        return pairs.length;
      });
    }
    return count;
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
  async dispatch(): Promise<{ dispatched: number; more: boolean }> {
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
      const free = await this.divertDuplicates(manager, eligible);
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
    const byPortal = new Map<Portal, number>();
    for (const j of dispatched) byPortal.set(j.portal, (byPortal.get(j.portal) ?? 0) + 1);
    for (const [portal, n] of byPortal) this.metrics.jobsDispatchedTo(portal, n);
    return { dispatched: dispatched.length, more };
  }

  /** Emits the coalesced `progress` event of runs whose last one is older than the interval. */
  async flushProgress(): Promise<number> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM sync_runs
        WHERE progress_dirty AND (progress_emitted_at IS NULL
              OR progress_emitted_at <= now() - make_interval(secs => $1::double precision / 1000))
        ORDER BY id LIMIT ${BATCH}`,
      [this.config.PROGRESS_INTERVAL_MS],
    );
    let count = 0;
    for (const { id } of rows) {
      count += await this.dataSource.transaction(async (manager) => {
        const run = await lockRun(manager, id);
        if (!run || !run.progressDirty) return 0;
        await saveRunAndAnnounce(manager, run, {
          ...this.announce(this.clock.now(), run.id),
          progressIntervalMs: 0,
        });
        return 1;
      });
    }
    return count;
  }

  private async inFlight(manager: EntityManager): Promise<InFlight> {
    const rows: { firm_id: string; run_id: string; portal: Portal; n: string }[] =
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

  /**
   * Candidates whose data is already being fetched (by a dispatched, unfinished job of any run, or by an
   * earlier candidate of this pass) are marked waiting for that job and left out; the rest are returned.
   */
  private async divertDuplicates(
    manager: EntityManager,
    candidates: CandidateRow[],
  ): Promise<CandidateRow[]> {
    const active: {
      id: string;
      run_id: string;
      firm_id: string;
      client_id: string;
      category: string;
      subject_value: string;
      period: string | null;
    }[] = await manager.query(
      `SELECT a.id, a.run_id, a.firm_id, a.client_id, a.category, a.subject_value, a.period
           FROM sync_jobs a
           JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[])
                  AS k(firm_id, category, subject_value, period, client_id)
             ON a.firm_id = k.firm_id AND a.category = k.category AND a.subject_value = k.subject_value
            AND a.period IS NOT DISTINCT FROM k.period AND a.client_id = k.client_id
          WHERE a.status <> 'done' AND a.attempts > 0`,
      [
        candidates.map((c) => c.firm_id),
        candidates.map((c) => c.category),
        candidates.map((c) => c.subject_value),
        candidates.map((c) => c.period),
        candidates.map((c) => c.client_id),
      ],
    );
    const owner = new Map<string, { id: string; runId: string }>();
    for (const a of active) owner.set(sameDataKey(keyOf(a)), { id: a.id, runId: a.run_id });
    const free: CandidateRow[] = [];
    const waits: { id: string; runId: string; forId: string; forRun: string }[] = [];
    const seen = new Set<string>();
    for (const c of candidates) {
      const key = sameDataKey(keyOf(c));
      const other = owner.get(key);
      if (other && other.id !== c.id) {
        waits.push({ id: c.id, runId: c.run_id, forId: other.id, forRun: other.runId });
      } else if (seen.has(key)) {
        // Two pending candidates for the same data in one pass: the first one goes, later passes see it active.
        continue;
      } else {
        seen.add(key);
        free.push(c);
      }
    }
    const now = this.clock.now();
    for (const w of waits) {
      await manager.update(SyncJobEntity, w.id, {
        waitingForJobId: w.forId,
        errorMessage: `waiting for job ${w.forId} of run ${w.forRun}, which is already fetching the same data; its result will be reused`,
        updatedAt: now,
      });
    }
    return free;
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
        return jobRequestedEvent(
          {
            id: c.id,
            clientId: c.client_id,
            category: c.category,
            portal: c.portal,
            subject: { kind: c.subject_kind, value: c.subject_value },
            period: c.period,
            skipReason: null,
          },
          run,
          attemptOf.get(c.id),
        );
      }),
    );
    for (const run of runs.values()) {
      const n = sent.filter((c) => c.run_id === run.id).length;
      if (n === 0) continue;
      let totals = totalsOf(run);
      for (let i = 0; i < n; i++) totals = moveJob(totals, 'pending', 'running');
      Object.assign(run, totalsColumns(totals));
      await saveRunAndAnnounce(manager, run, this.announce(now, run.id));
    }
    return sent;
  }

  private retryPolicy() {
    return {
      maxAttempts: this.config.JOB_MAX_ATTEMPTS,
      baseMs: this.config.JOB_RETRY_BASE_MS,
      maxMs: this.config.JOB_RETRY_MAX_MS,
    };
  }

  private announce(now: Date, causationId: string) {
    return { now, causationId, progressIntervalMs: this.config.PROGRESS_INTERVAL_MS };
  }
}

function keyOf(j: {
  firm_id: string;
  client_id: string;
  category: string;
  subject_value: string;
  period: string | null;
}) {
  return {
    firmId: j.firm_id,
    clientId: j.client_id,
    category: j.category,
    subjectValue: j.subject_value,
    period: j.period,
  };
}
