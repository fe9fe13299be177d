import type { SyncRunChanged } from '@practice-sync/contracts';
import { enqueueEvents } from '@practice-sync/messaging';
import type { EntityManager } from 'typeorm';

import { runChangedEvent } from './run-events';
import { terminalChangeOf } from './run-totals';
import { totalsColumns, totalsOf } from './run-totals';
import { SyncRunEntity } from './sync-run.entity';

export interface SaveRunOptions {
  now: Date;
  causationId: string;
  /** Minimum time between two `progress` events of a run; progress in between only marks it dirty. */
  progressIntervalMs: number;
  /** A lifecycle change to announce whatever the totals say (`started`, `cancelled` request, …). */
  change?: SyncRunChanged['change'];
}

/**
 * Writes a run whose totals the caller changed (the caller holds the run's row lock) and announces it:
 * a terminal change (completed / cancelled) always, otherwise a `progress` event at most once per interval —
 * a 10,000-job run produces a few hundred progress events, not 10,000. The dispatcher flushes dirty runs.
 * Returns the terminal change, if the run just took one.
 */
export async function saveRunAndAnnounce(
  manager: EntityManager,
  run: SyncRunEntity,
  opts: SaveRunOptions,
): Promise<'completed' | 'cancelled' | null> {
  const totals = totalsOf(run);
  const terminal = terminalChangeOf({
    status: run.status,
    fanOutDone: run.fanOutDoneAt !== null,
    finished: run.finishedAt !== null,
    totals,
  });
  if (terminal) {
    run.status = terminal;
    run.finishedAt = opts.now;
  }
  const change = terminal ?? opts.change ?? 'progress';
  const due =
    change !== 'progress' ||
    run.progressEmittedAt === null ||
    opts.now.getTime() - run.progressEmittedAt.getTime() >= opts.progressIntervalMs;
  if (due) {
    run.progressEmittedAt = opts.now;
    run.progressDirty = false;
  } else {
    run.progressDirty = true;
  }
  run.updatedAt = opts.now;
  await manager.update(SyncRunEntity, run.id, {
    ...totalsColumns(totals),
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    cancelledAt: run.cancelledAt,
    fanOutPage: run.fanOutPage,
    fanOutCursor: run.fanOutCursor,
    fanOutError: run.fanOutError,
    fanOutDoneAt: run.fanOutDoneAt,
    progressEmittedAt: run.progressEmittedAt,
    progressDirty: run.progressDirty,
    updatedAt: opts.now,
  });
  if (due) await enqueueEvents(manager, [runChangedEvent(run, change, opts.causationId)]);
  return terminal;
}

/** Locks a run row for the rest of the caller's transaction (every totals change goes through this lock). */
export function lockRun(manager: EntityManager, runId: string): Promise<SyncRunEntity | null> {
  return manager.findOne(SyncRunEntity, { where: { id: runId }, lock: { mode: 'pessimistic_write' } });
}
