import type { EntityManager } from 'typeorm';

import type { Clock } from '../common/clock';
import { SyncJobEntity } from '../runs/sync-job.entity';
import type { CandidateRow } from './candidate-row';
import { sameDataKey } from './dispatch-policy';

/**
 * Candidates whose data is already being fetched (by a dispatched, unfinished job of any run, or by an
 * earlier candidate of this pass) are marked waiting for that job and left out; the rest are returned.
 */
export async function divertDuplicates(
  manager: EntityManager,
  candidates: CandidateRow[],
  clock: Clock,
): Promise<CandidateRow[]> {
  const active: {
    id: string;
    run_id: string;
    firm_id: string;
    client_id: string | null;
    category: string;
    subject_value: string;
    period: string | null;
  }[] = await manager.query(
    `SELECT a.id, a.run_id, a.firm_id, a.client_id, a.category, a.subject_value, a.period
           FROM sync_jobs a
           JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[])
                  AS k(firm_id, category, subject_value, period, client_id)
             ON a.firm_id = k.firm_id AND a.category = k.category AND a.subject_value = k.subject_value
            AND a.period IS NOT DISTINCT FROM k.period AND a.client_id IS NOT DISTINCT FROM k.client_id
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
  const now = clock.now();
  for (const w of waits) {
    await manager.update(SyncJobEntity, w.id, {
      waitingForJobId: w.forId,
      errorMessage: `waiting for job ${w.forId} of run ${w.forRun}, which is already fetching the same data; its result will be reused`,
      updatedAt: now,
    });
  }
  return free;
}

function keyOf(j: {
  firm_id: string;
  client_id: string | null;
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
