import type { Category, FailureCode, JobPart, RecordCounts, Subject } from '@practice-sync/contracts';
import { LIVE_PROCESS_IDS_SQL } from '@practice-sync/messaging';
import { currentTraceparent } from '@practice-sync/observability';
import { returnedRows } from '@practice-sync/persistence';
import type { DataSource, EntityManager } from 'typeorm';

import type { ConnectorJob } from './portal-fetcher';

/** A job this process holds a lease on. `claimCount` fences completion against a later re-claim. */
export interface ClaimedJob {
  rowId: string;
  job: ConnectorJob;
  /** The SyncJobRequested event id (causation of the result). */
  requestEventId: string;
  claimCount: number;
  startedAt: Date;
  /** The job request as received, for jobs a `JobHandler` runs (null for portal jobs). */
  payload: unknown;
  /** The `traceparent` of the consumer span that recorded the job: its run continues that trace. */
  traceParent: string | null;
}

export interface JobCompletion {
  outcome: 'succeeded' | 'no_change' | 'no_data' | 'partial' | 'failed';
  errorCode: FailureCode | null;
  errorMessage: string | null;
  counts: RecordCounts;
  /** Per part of a multi-part category; null otherwise. */
  parts: JobPart[] | null;
  finishedAt: Date;
}

interface JobRow {
  id: string;
  job_id: string;
  attempt: number;
  run_id: string;
  client_id: string;
  firm_id: string;
  request_event_id: string;
  category: string;
  subject_kind: Subject['kind'];
  subject_value: string;
  period: string | null;
  payload: unknown;
  trace_parent: string | null;
  claim_count: number;
  started_at: Date;
}

/**
 * A job row's identity: a portal job (ConnectorJob) or, for a `JobHandler`'s jobs, what stands for its client,
 * subject and category (connector-books: the link).
 */
export interface RecordedJob {
  jobId: string;
  attempt: number;
  runId: string;
  clientId: string;
  firmId: string;
  category: string;
  subject: { kind: string; value: string };
  period: string | null;
}

/**
 * Records a job from the job topic in the consumer's transaction, with the consumer span's `traceparent`. False
 * when it was already recorded.
 */
export async function recordJob(
  manager: EntityManager,
  job: RecordedJob,
  requestEventId: string,
  payload: unknown = null,
): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO connector_jobs
       (job_id, attempt, run_id, client_id, firm_id, request_event_id, category, subject_kind, subject_value, period,
        payload, trace_parent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12)
     ON CONFLICT (job_id, attempt) DO NOTHING
     RETURNING id`,
    [
      job.jobId,
      job.attempt,
      job.runId,
      job.clientId,
      job.firmId,
      requestEventId,
      job.category,
      job.subject.kind,
      job.subject.value,
      job.period,
      payload === null ? null : JSON.stringify(payload),
      currentTraceparent(),
    ],
  );
  return rows.length > 0;
}

function toClaimed(row: JobRow): ClaimedJob {
  return {
    rowId: String(row.id),
    requestEventId: row.request_event_id,
    claimCount: row.claim_count,
    startedAt: row.started_at,
    payload: row.payload ?? null,
    traceParent: row.trace_parent ?? null,
    job: {
      jobId: row.job_id,
      attempt: row.attempt,
      runId: row.run_id,
      clientId: row.client_id,
      firmId: row.firm_id,
      // Validated against the catalogue when the job was consumed.
      category: row.category as Category,
      subject: { kind: row.subject_kind, value: row.subject_value },
      period: row.period,
    },
  };
}

/**
 * The claim. Firms take turns: a job's turn is its place among its firm's open jobs plus the jobs its firm already
 * has running. Only each firm's oldest `$3` open jobs can be among the `$3` taken, so only those are ranked: the
 * firms with open jobs are walked through `connector_jobs_open_by_firm` (one index probe per firm), each firm's
 * oldest few are read from it, and its running jobs are counted from `connector_jobs_running_by_firm`. The cost
 * follows the firms and the claim's size, not the queue (it ranked every open job before).
 *
 * The open-job test is repeated on `c`, the row locked: a claim another worker commits between this statement's
 * snapshot and its row lock sends the lock to the row's newest version, and PostgreSQL re-checks only the
 * conditions on the locked row there (`t`, the ranking, is the snapshot's). Without it, that row (now running,
 * the other worker's) was claimed a second time (`job-store.integration-spec.ts`, racing claimers). The ranked
 * ids are also given as an array, so that `c` is read by its key (a few probes) rather than by scanning every
 * open row to join them.
 */
const CLAIM_SQL = `WITH RECURSIVE firms AS (
    (SELECT firm_id FROM connector_jobs WHERE status <> 'done' ORDER BY firm_id LIMIT 1)
    UNION ALL
    SELECT (SELECT n.firm_id FROM connector_jobs n
             WHERE n.status <> 'done' AND n.firm_id > f.firm_id ORDER BY n.firm_id LIMIT 1)
      FROM firms f WHERE f.firm_id IS NOT NULL
  ), ranked AS (
    SELECT o.id, row_number() OVER (PARTITION BY f.firm_id ORDER BY o.received_at, o.id) + r.n AS turn
      FROM firms f
      CROSS JOIN LATERAL (SELECT count(*) AS n FROM connector_jobs x
                           WHERE x.firm_id = f.firm_id AND x.status = 'running' AND x.lease_expires_at >= now()) r
      CROSS JOIN LATERAL (SELECT id, received_at FROM connector_jobs o
                           WHERE o.firm_id = f.firm_id AND o.status <> 'done'
                             AND (o.status = 'pending' OR (o.status = 'running' AND o.lease_expires_at < now()))
                           ORDER BY o.received_at, o.id LIMIT $3) o
     WHERE f.firm_id IS NOT NULL
  )
  UPDATE connector_jobs j
    SET status = 'running', claim_count = j.claim_count + 1, worker_id = $1,
        lease_expires_at = now() + make_interval(secs => $2::double precision / 1000),
        heartbeat_at = now(), started_at = COALESCE(j.started_at, now())
  WHERE j.id IN (
    SELECT c.id FROM connector_jobs c JOIN ranked t ON t.id = c.id
     WHERE c.id = ANY (ARRAY(SELECT id FROM ranked))
       AND (c.status = 'pending' OR (c.status = 'running' AND c.lease_expires_at < now()))
     ORDER BY t.turn, c.received_at, c.id
     LIMIT $3
     FOR UPDATE OF c SKIP LOCKED)
 RETURNING j.*`;

/**
 * Running jobs whose worker is dead, back to pending: their `worker_id` is a liveness identity (`pg:…`, see
 * `ProcessLiveness`) whose database session is gone. A live worker's session is always there, so its jobs are
 * never taken; ids of another form (none today) are left to their lease.
 */
const RELEASE_DEAD_SQL = `UPDATE connector_jobs
    SET status = 'pending', worker_id = NULL, lease_expires_at = NULL
  WHERE status = 'running' AND worker_id LIKE 'pg:%' AND worker_id NOT IN (${LIVE_PROCESS_IDS_SQL})
 RETURNING id`;

/** Who a store claims for: this process's identity while it is alive (`ProcessLiveness`). */
export interface WorkerIdentity {
  /** The identity now; a process whose session was re-opened gets a new one. */
  ensure(): Promise<string>;
}

/**
 * The `connector_jobs` lifecycle: claim with a lease, heartbeat, release, fenced completion, and taking over the
 * jobs of dead workers. A job is claimed again either when its worker is known dead (its liveness session is gone:
 * at once, e.g. a connector killed and restarted, or a replica that died) or when its lease runs out (a worker
 * that lives but stopped heartbeating: hung, or cut off from its jobs' rows).
 */
export class JobStore {
  private workerId = '';

  constructor(
    private readonly dataSource: DataSource,
    private readonly identity: WorkerIdentity | string,
    private readonly leaseMs: number,
  ) {}

  /** The worker id jobs are claimed under (refreshed from the identity before each claim). */
  private async worker(): Promise<string> {
    this.workerId = typeof this.identity === 'string' ? this.identity : await this.identity.ensure();
    return this.workerId;
  }

  /** Hands the running jobs of dead workers back to pending (their ids) so they are claimed at once. */
  async releaseDead(): Promise<string[]> {
    // Our own session first: after a database restart it may not be re-opened yet, and our own running jobs
    // would look like a dead worker's (released, claimed again, the in-flight finish then lost to the fence).
    await this.worker();
    const rows = await this.dataSource.query(RELEASE_DEAD_SQL);
    return returnedRows<{ id: string }>(rows).map((r) => String(r.id));
  }

  /**
   * Claims up to `limit` pending jobs, or running ones whose lease expired (their process died). SKIP LOCKED
   * lets several connector replicas claim side by side without waiting on each other. Firms take turns: a
   * job's turn is its place among its firm's open jobs plus the jobs its firm already has running, so a firm
   * with one job is claimed next, not after another firm's hundreds recorded before it.
   */
  async claim(limit: number): Promise<ClaimedJob[]> {
    const rows = await this.dataSource.query(CLAIM_SQL, [await this.worker(), this.leaseMs, limit]);
    return returnedRows<JobRow>(rows).map(toClaimed);
  }

  /** Extends the lease of the jobs this process still holds. */
  async heartbeat(rowIds: string[]): Promise<void> {
    if (!rowIds.length) return;
    await this.dataSource.query(
      // SKIP LOCKED: a job being finished (its row locked by a finishing transaction, which may hold several
      // jobs' rows: group commit) needs no longer lease, and waiting for it could deadlock with that transaction.
      `UPDATE connector_jobs
          SET heartbeat_at = now(), lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id IN (SELECT id FROM connector_jobs
                      WHERE id = ANY($1::bigint[]) AND worker_id = $2 AND status = 'running'
                        FOR UPDATE SKIP LOCKED)`,
      [rowIds, this.workerId, this.leaseMs],
    );
  }

  /** Hands jobs back on a clean shutdown so another replica (or the restart) picks them up at once. */
  async release(rowIds: string[]): Promise<void> {
    if (!rowIds.length) return;
    await this.dataSource.query(
      `UPDATE connector_jobs SET status = 'pending', worker_id = NULL, lease_expires_at = NULL
        WHERE id = ANY($1::bigint[]) AND worker_id = $2 AND status = 'running'`,
      [rowIds, this.workerId],
    );
  }

  /**
   * Hands a claimed job back to the queue because its portal is down (see `PortalOutage`): pending again, its
   * claim not counted (`claim_count` back, so it spends nothing towards `maxClaims`) and its start forgotten.
   * It keeps its place (`received_at`), so the waiting jobs go on in their order once the portal is back. Fenced
   * like `markDone`: false when the job is no longer this claim's.
   */
  async holdForOutage(claimed: ClaimedJob): Promise<boolean> {
    const rows = await this.dataSource.query(
      `UPDATE connector_jobs
          SET status = 'pending', worker_id = NULL, lease_expires_at = NULL, started_at = NULL,
              claim_count = claim_count - 1
        WHERE id = $1 AND status = 'running' AND claim_count = $2 AND worker_id = $3
       RETURNING id`,
      [claimed.rowId, claimed.claimCount, this.workerId],
    );
    return returnedRows(rows).length > 0;
  }

  /**
   * Jobs not done: queued, or running (while the portal is down: the jobs waiting for it, and the one probing
   * it when its breaker is half-open).
   */
  async countOpen(): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM connector_jobs WHERE status <> 'done'`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Marks the job done with its completion if this claim still owns it (fenced by `claim_count`): false when
   * the lease was lost to another worker, whose result it then is. The fence and the write are one statement.
   */
  async markDone(manager: EntityManager, claimed: ClaimedJob, completion: JobCompletion): Promise<boolean> {
    const updated = await manager.query(
      `UPDATE connector_jobs
          SET status = 'done', outcome = $3, error_code = $4, error_message = $5, counts = $6::jsonb,
              finished_at = $7, lease_expires_at = NULL
        WHERE id = $1 AND status = 'running' AND claim_count = $2
       RETURNING id`,
      [
        claimed.rowId,
        claimed.claimCount,
        completion.outcome,
        completion.errorCode,
        completion.errorMessage,
        JSON.stringify(completion.counts),
        completion.finishedAt,
      ],
    );
    return returnedRows(updated).length > 0;
  }
}
