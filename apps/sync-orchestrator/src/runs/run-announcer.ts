import type { SyncRunChanged } from '@practice-sync/contracts';
import { enqueueEvents } from '@practice-sync/messaging';
import { EntityRows } from '@practice-sync/persistence';
import type { EntityManager } from 'typeorm';

import { runChangedEvent } from './run-events';
import { terminalChangeOf } from './run-totals';
import { totalsColumns, totalsOf } from './run-totals';
import { SyncJobEntity } from './sync-job.entity';
import { SyncRunEntity } from './sync-run.entity';

export interface SaveRunOptions {
  now: Date;
  causationId: string;
  /** Minimum time between two `progress` events of a run; progress in between only marks it dirty. */
  progressIntervalMs: number;
  /** A lifecycle change to announce whatever the totals say (`started`, `cancelled` request, …). */
  change?: SyncRunChanged['change'];
  /**
   * The job whose change moved the totals (a result), written in the same statement as the run: one round trip
   * for both rows.
   */
  job?: { id: string; patch: Partial<SyncJobEntity> };
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
  const runPatch = EntityRows.of(manager, SyncRunEntity).patch(run.id, {
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
  const job = opts.job ? [EntityRows.of(manager, SyncJobEntity).patch(opts.job.id, opts.job.patch)] : [];
  await EntityRows.updateTogether(manager, [...job, runPatch]);
  if (due) await enqueueEvents(manager, [runChangedEvent(run, change, opts.causationId)]);
  return terminal;
}

/** Locks a run row for the rest of the caller's transaction (every totals change goes through this lock). */
export function lockRun(manager: EntityManager, runId: string): Promise<SyncRunEntity | null> {
  return EntityRows.of(manager, SyncRunEntity).one(manager, 't.id = $1', [runId], { suffix: 'FOR UPDATE' });
}

/**
 * A firm's run (null: not this firm's, or gone), or only `properties` of it, read without TypeORM's find
 * machinery: a firm polls it.
 */
export function readRun(
  manager: EntityManager,
  firmId: string,
  runId: string,
  properties?: readonly (keyof SyncRunEntity & string)[],
): Promise<SyncRunEntity | null> {
  return EntityRows.of(manager, SyncRunEntity).one(manager, 't.id = $1 AND t.firm_id = $2', [runId, firmId], {
    properties,
  });
}

/**
 * Locks a firm's run and reads one of its jobs in the same statement (a result's first step): plain SQL
 * through EntityRows, since TypeORM's query builder and hydration were a quarter of the orchestrator's
 * busy time on the results path. Null run: not this firm's or gone; null job: not the run's.
 */
export async function lockRunWithJob(
  manager: EntityManager,
  runId: string,
  firmId: string,
  jobId: string,
): Promise<{ run: SyncRunEntity | null; job: SyncJobEntity | null }> {
  const runs = EntityRows.of(manager, SyncRunEntity);
  const jobs = EntityRows.of(manager, SyncJobEntity);
  const rows = (await manager.query(
    `SELECT ${runs.selectList('r', 'r_')}, ${jobs.selectList('j', 'j_')}
       FROM ${runs.table} r
       LEFT JOIN ${jobs.table} j ON j.id = $3 AND j.run_id = r.id AND j.firm_id = r.firm_id
      WHERE r.id = $1 AND r.firm_id = $2
        FOR UPDATE OF r`,
    [runId, firmId, jobId],
  )) as Record<string, unknown>[];
  if (rows.length === 0) return { run: null, job: null };
  return { run: runs.fromRow(rows[0], 'r_'), job: jobs.fromRow(rows[0], 'j_') };
}
