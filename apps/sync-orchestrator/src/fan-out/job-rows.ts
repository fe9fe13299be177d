import type { EntityManager } from 'typeorm';

import type { PlannedJob } from '../runs/planned-job';

/** Rows per INSERT; each column travels as one array parameter, so this bounds statement size only. */
const ROWS_PER_INSERT = 2000;

/**
 * Inserts planned jobs for a run, skipping any that already exist (a fan-out page repeated after a crash or
 * by a second worker), and returns the ids actually inserted: only those may be dispatched.
 * A skipped job is stored done/skipped with its reason; any other job is stored `pending` for the dispatcher,
 * which sends it when the firm's and the portal's caps allow.
 */
export async function insertJobs(
  manager: EntityManager,
  run: { id: string; firmId: string },
  jobs: readonly PlannedJob[],
  now: Date,
): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (let i = 0; i < jobs.length; i += ROWS_PER_INSERT) {
    const chunk = jobs.slice(i, i + ROWS_PER_INSERT);
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO sync_jobs (id, run_id, firm_id, client_id, client_name, category, subject_kind, subject_value,
                              period, status, outcome, error_message, retryable, attempts, finished_at,
                              created_at, updated_at, link_id, books, link_checked_at)
       SELECT u.id, $1, $2, u.client_id, u.client_name, u.category, u.subject_kind, u.subject_value, u.period,
              CASE WHEN u.skip_reason IS NULL THEN 'pending' ELSE 'done' END,
              CASE WHEN u.skip_reason IS NULL THEN NULL ELSE 'skipped' END,
              u.skip_reason,
              CASE WHEN u.skip_reason IS NULL THEN NULL ELSE false END,
              0,
              CASE WHEN u.skip_reason IS NULL THEN NULL ELSE $3::timestamptz END,
              $3, $3, u.link_id, u.books, CASE WHEN u.link_id IS NULL THEN NULL ELSE $3::timestamptz END
         FROM unnest($4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                     $11::text[], $12::uuid[], $13::jsonb[])
           AS u(id, client_id, category, subject_kind, subject_value, period, skip_reason, client_name, link_id,
                books)
       -- A client's job repeats on sync_jobs_natural_key, a link's on sync_jobs_link_key.
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        run.id,
        run.firmId,
        now,
        chunk.map((j) => j.id),
        chunk.map((j) => j.clientId),
        chunk.map((j) => j.category),
        chunk.map((j) => j.subject.kind),
        chunk.map((j) => j.subject.value),
        chunk.map((j) => j.period),
        chunk.map((j) => j.skipReason),
        chunk.map((j) => j.clientName),
        chunk.map((j) => j.linkId),
        chunk.map((j) => (j.books ? JSON.stringify(j.books) : null)),
      ],
    );
    for (const row of rows) inserted.add(row.id);
  }
  return inserted;
}
