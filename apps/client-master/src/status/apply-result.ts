import type { ClientStatusChanged, SyncJobCompleted } from '@practice-sync/contracts';
import type { EntityManager } from 'typeorm';

interface Applied {
  /** The cell before this result (nulls when there was none). */
  prev_outcome: string | null;
  prev_error_code: string | null;
  prev_success_at: Date | null;
  /** The cell's last success after this result (null when nothing was written). */
  new_success_at: Date | null;
  /** The result was at least as recent as the cell's (an older one may only have moved `records_seen_at`). */
  written: boolean;
}

/**
 * Outcomes of a complete fetch: they set the cell's last success. `no_data` is one (the portal was read and
 * holds nothing: the cell is current, its outcome says there is nothing); `partial` is not (a part failed, so
 * the cell is not complete: its records of the fetched parts are stored, the last success stays where it was
 * and the failed parts are in the error message).
 */
const SUCCESSFUL = new Set(['succeeded', 'no_change', 'no_data']);

/** A result at least as recent as the one the cell holds (results of retried attempts can arrive out of order). */
const FRESH = 'status_cells.last_finished_at <= EXCLUDED.last_finished_at';

/** What a fresh result writes; an older one leaves it as it is. */
const FRESH_ONLY = [
  'last_outcome',
  'last_error_code',
  'last_error_message',
  'last_run_id',
  'last_job_id',
  'last_finished_at',
]
  .map((c) => `${c} = CASE WHEN ${FRESH} THEN EXCLUDED.${c} ELSE status_cells.${c} END`)
  .join(',\n         ');

/**
 * Applies one job result in the caller's transaction (the consumer's inbox transaction), in one statement: the
 * status cell is locked and read as it was, then written unless the result is older than the one already
 * recorded (results of retried attempts can arrive out of order); the last success is kept across failures.
 * A successful fetch also saw every stored record of its cell it did not report as changed: the cell's
 * `records_seen_at` moves to its finish time (older results included), which is every live record's "last seen"
 * (see the migration `StatusCellsRecordsSeen`), so a no-change fetch writes the cell and nothing else, whatever
 * the number of records. Returns the new cell value when it changed what a reader sees, else null.
 */
export async function applyResult(
  manager: EntityManager,
  firmId: string,
  result: SyncJobCompleted,
): Promise<ClientStatusChanged | null> {
  const finishedAt = new Date(result.finishedAt);
  const successAt = SUCCESSFUL.has(result.outcome) ? finishedAt : null;
  const [applied] = (await manager.query(
    `WITH prev AS (
       SELECT last_outcome, last_error_code, last_success_at FROM status_cells
        WHERE firm_id = $1 AND client_id = $2 AND category = $3 AND subject_kind = $4 AND subject_value = $5
          AND period IS NOT DISTINCT FROM $6
        FOR UPDATE
     ), up AS (
       INSERT INTO status_cells (firm_id, client_id, category, subject_kind, subject_value, period, last_outcome,
                                 last_error_code, last_error_message, last_run_id, last_job_id, last_finished_at,
                                 last_success_at, records_seen_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, now())
       ON CONFLICT ON CONSTRAINT status_cells_natural_key DO UPDATE SET
         ${FRESH_ONLY},
         last_success_at = CASE WHEN ${FRESH}
           THEN GREATEST(status_cells.last_success_at, EXCLUDED.last_success_at)
           ELSE status_cells.last_success_at END,
         records_seen_at = GREATEST(status_cells.records_seen_at, EXCLUDED.records_seen_at),
         updated_at = CASE WHEN ${FRESH} THEN now() ELSE status_cells.updated_at END
       WHERE ${FRESH}
          OR EXCLUDED.records_seen_at > coalesce(status_cells.records_seen_at, '-infinity')
       RETURNING last_success_at, last_finished_at = $12 AS fresh
     )
     SELECT prev.last_outcome AS prev_outcome, prev.last_error_code AS prev_error_code,
            prev.last_success_at AS prev_success_at, up.last_success_at AS new_success_at,
            coalesce(up.fresh, false) AS written
       FROM (SELECT 1) AS one LEFT JOIN prev ON true LEFT JOIN up ON true`,
    [
      firmId,
      result.clientId,
      result.category,
      result.subject.kind,
      result.subject.value,
      result.period,
      result.outcome,
      result.errorCode,
      result.errorMessage,
      result.runId,
      result.jobId,
      finishedAt,
      successAt,
    ],
  )) as Applied[];
  if (!applied.written) return null;

  const lastSuccessAt = applied.new_success_at;
  const changed =
    applied.prev_outcome === null ||
    applied.prev_outcome !== result.outcome ||
    applied.prev_error_code !== result.errorCode ||
    (applied.prev_success_at?.getTime() ?? null) !== (lastSuccessAt?.getTime() ?? null);
  if (!changed) return null;
  return {
    clientId: result.clientId,
    category: result.category,
    subject: result.subject,
    period: result.period,
    outcome: result.outcome,
    errorCode: result.errorCode,
    lastSuccessAt: lastSuccessAt?.toISOString() ?? null,
    runId: result.runId,
  };
}
