import type { ClientStatusChanged, SyncJobCompleted } from '@practice-sync/contracts';
import type { EntityManager } from 'typeorm';

interface PreviousCell {
  last_outcome: string;
  last_error_code: string | null;
  last_finished_at: Date;
  last_success_at: Date | null;
}

const SUCCESSFUL = new Set(['succeeded', 'no_change']);

/**
 * Applies one job result to the status grid in the caller's transaction (the consumer's inbox transaction).
 * Returns the new cell value when it changed what a reader sees, or null when nothing changed or the result
 * is older than the one already recorded (results of retried attempts can arrive out of order).
 */
export async function applyResult(
  manager: EntityManager,
  firmId: string,
  result: SyncJobCompleted,
): Promise<ClientStatusChanged | null> {
  const key = [
    firmId,
    result.clientId,
    result.category,
    result.subject.kind,
    result.subject.value,
    result.period,
  ];
  const [previous] = (await manager.query(
    `SELECT last_outcome, last_error_code, last_finished_at, last_success_at FROM status_cells
      WHERE firm_id = $1 AND client_id = $2 AND category = $3 AND subject_kind = $4 AND subject_value = $5
        AND period IS NOT DISTINCT FROM $6
      FOR UPDATE`,
    key,
  )) as PreviousCell[];
  const finishedAt = new Date(result.finishedAt);
  if (previous && previous.last_finished_at.getTime() > finishedAt.getTime()) return null;

  const successAt = SUCCESSFUL.has(result.outcome) ? finishedAt : null;
  const lastSuccessAt = laterOf(successAt, previous?.last_success_at ?? null);
  await manager.query(
    `INSERT INTO status_cells (firm_id, client_id, category, subject_kind, subject_value, period, last_outcome,
                               last_error_code, last_error_message, last_run_id, last_job_id, last_finished_at,
                               last_success_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
     ON CONFLICT (firm_id, client_id, category, subject_kind, subject_value, period) DO UPDATE SET
       last_outcome = EXCLUDED.last_outcome,
       last_error_code = EXCLUDED.last_error_code,
       last_error_message = EXCLUDED.last_error_message,
       last_run_id = EXCLUDED.last_run_id,
       last_job_id = EXCLUDED.last_job_id,
       last_finished_at = EXCLUDED.last_finished_at,
       last_success_at = EXCLUDED.last_success_at,
       updated_at = now()`,
    [
      ...key,
      result.outcome,
      result.errorCode,
      result.errorMessage,
      result.runId,
      result.jobId,
      finishedAt,
      lastSuccessAt,
    ],
  );

  const changed =
    !previous ||
    previous.last_outcome !== result.outcome ||
    previous.last_error_code !== result.errorCode ||
    (previous.last_success_at?.getTime() ?? null) !== (lastSuccessAt?.getTime() ?? null);
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

function laterOf(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}
