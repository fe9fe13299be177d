import type { BooksCategory, BooksJobCompleted, LinkState } from '@practice-sync/contracts';
import type { EntityManager } from 'typeorm';

import { BranchLinkEntity, BranchRuleEntity } from '../branch-links/branch-link.entity';
import type { BranchLinkDto } from '../branch-links/dto/branch-link.dto';
import { toBranchLinkDto } from '../branch-links/dto/branch-link.dto';
import { BranchLinkJobEntity } from './branch-link-job.entity';
import type { ClassJob, JobEvent } from './link-state';
import { isNewer, isSynced, linkStatus, nextClassJob } from './link-state';

export interface LinkJobEvent extends JobEvent {
  linkId: string;
  category: BooksCategory;
}

export interface LinkJobApplied {
  /** The link after the event, and its state before it (equal when only the error or last sync moved). */
  link: BranchLinkDto;
  previousState: LinkState;
}

/**
 * Locks the links of a consumer group's messages in id order before any handler runs, so that the groups of
 * the two job topics, taking them in message order, cannot deadlock.
 */
export async function lockLinks(manager: EntityManager, linkIds: string[]): Promise<void> {
  const ids = [...new Set(linkIds)].sort();
  if (ids.length === 0) return;
  await manager.query('SELECT id FROM branch_links WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [ids]);
}

/**
 * Applies one job event to its link in the caller's (inbox) transaction: the class's row moves only for an
 * event newer than it (`isNewer`), then the link's state and error are derived from its classes and its last
 * sync moves forward on a result that synced. Null when nothing changed: an unknown link (deleted, or not
 * this firm's), a stale or repeated event.
 */
export async function applyLinkJob(
  manager: EntityManager,
  firmId: string,
  event: LinkJobEvent,
  result: BooksJobCompleted | null,
  now = new Date(),
): Promise<LinkJobApplied | null> {
  const link = await manager
    .createQueryBuilder(BranchLinkEntity, 'l')
    .where('l.id = :id AND l.firmId = :firmId', { id: event.linkId, firmId })
    .setLock('pessimistic_write')
    .getOne();
  if (!link) return null;
  const rows = await manager.findBy(BranchLinkJobEntity, { linkId: link.id });
  const current = rows.find((r) => r.category === event.category) ?? null;
  if (!isNewer(current, event)) return null;

  const next = nextClassJob(current, event.category, event, result);
  await manager.upsert(BranchLinkJobEntity, { linkId: link.id, ...next, updatedAt: now }, [
    'linkId',
    'category',
  ]);
  const classes: ClassJob[] = [...rows.filter((r) => r.category !== event.category), next];
  // The connector's count of the link's held changes after the job (on-demand links); absent: unchanged.
  const held = result?.held
    ? {
        heldCount: result.held.count,
        heldOldestAt: result.held.oldestAt ? new Date(result.held.oldestAt) : null,
      }
    : { heldCount: link.heldCount, heldOldestAt: link.heldOldestAt };
  const heldMoved =
    held.heldCount !== link.heldCount || held.heldOldestAt?.getTime() !== link.heldOldestAt?.getTime();
  const status = linkStatus(classes, held.heldCount);
  const previousState = link.state;
  const finishedAt = result && isSynced(result.outcome) ? new Date(result.finishedAt) : null;
  const lastSyncAt =
    finishedAt && (!link.lastSyncAt || finishedAt > link.lastSyncAt) ? finishedAt : link.lastSyncAt;
  const state = status?.state ?? link.state;
  const error = status ? status.error : link.error;
  if (state === link.state && error === link.error && lastSyncAt === link.lastSyncAt && !heldMoved)
    return null;

  Object.assign(link, { state, error, lastSyncAt, ...held, updatedAt: now });
  await manager.update(
    BranchLinkEntity,
    { id: link.id },
    { state, error, lastSyncAt, ...held, updatedAt: now },
  );
  const rules = await manager.find(BranchRuleEntity, { where: { linkId: link.id }, order: { id: 'ASC' } });
  return { link: toBranchLinkDto(link, rules), previousState };
}
