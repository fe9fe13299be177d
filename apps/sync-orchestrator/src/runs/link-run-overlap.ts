import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';

import type { LinkSelection, RunSelection } from './run-scope';
import { isRetrySelection } from './run-scope';
import { SyncRunEntity } from './sync-run.entity';

/**
 * Whether a run over `running` may touch a link `wanted` selects: `all` overlaps everything; ids overlap when
 * they share one; a retry run (its links are its source run's failures, not listed here) is taken to overlap.
 */
export function linkSelectionsOverlap(running: RunSelection, wanted: LinkSelection): boolean {
  if (isRetrySelection(running)) return true;
  if ('all' in running || 'all' in wanted) return true;
  if (!('ids' in running)) return false;
  const ids = new Set(wanted.ids);
  return running.ids.some((id) => ids.has(id));
}

/**
 * The oldest queued or running branch sync run of the firm that may touch a link `wanted` selects, or null:
 * a schedule's tick and a restart start no second run over a link while one is going (its jobs would only
 * queue behind the first ones' and export the same changes again).
 */
export async function activeRunOverLinks(
  manager: EntityManager,
  firmId: string,
  wanted: LinkSelection,
): Promise<Pick<SyncRunEntity, 'id' | 'status' | 'scheduleId'> | null> {
  const active = await manager.find(SyncRunEntity, {
    where: { firmId, subjectKind: 'links', status: In(['queued', 'running']) },
    select: ['id', 'status', 'selection', 'scheduleId'],
    order: { id: 'ASC' },
  });
  return active.find((r) => linkSelectionsOverlap(r.selection, wanted)) ?? null;
}

/**
 * Serialises, per firm, what starts runs over links after checking `activeRunOverLinks` (restarts and
 * schedule ticks), until the caller's transaction ends: two of them at once start one run, not two.
 */
export async function lockFirmLinkRuns(manager: EntityManager, firmId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('sync_orchestrator.link_runs:' || $1))`, [
    firmId,
  ]);
}
