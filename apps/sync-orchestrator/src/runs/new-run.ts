import { enqueueEvents } from '@practice-sync/messaging';
import { currentTraceparent } from '@practice-sync/observability';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { BooksSnapshotOptions, JobCategory, RunSubjectKind } from './job-kind';
import { runChangedEvent } from './run-events';
import type { RunPeriods, RunSelection } from './run-scope';
import { emptyTotals } from './run-totals';
import { totalsColumns } from './run-totals';
import { SyncRunEntity } from './sync-run.entity';

export interface NewRun {
  firmId: string;
  /** `clients` unless said otherwise. */
  subjectKind?: RunSubjectKind;
  selection: RunSelection;
  categories: JobCategory[];
  period: RunPeriods;
  scheduleId?: string | null;
  retryOf?: string | null;
  booksSnapshot?: BooksSnapshotOptions | null;
}

/**
 * Stores a queued run (the durable intent the fan-out worker picks up) with its `created` event, in the
 * caller's transaction: API requests, retries and schedule ticks all create runs through here.
 */
export async function insertRun(manager: EntityManager, input: NewRun, now: Date): Promise<SyncRunEntity> {
  const run = manager.create(SyncRunEntity, {
    id: uuidv7(),
    firmId: input.firmId,
    status: 'queued',
    subjectKind: input.subjectKind ?? 'clients',
    selection: input.selection,
    categories: input.categories,
    period: input.period,
    scheduleId: input.scheduleId ?? null,
    retryOf: input.retryOf ?? null,
    booksSnapshot: input.booksSnapshot ?? null,
    traceParent: currentTraceparent(),
    cancelledAt: null,
    progressEmittedAt: null,
    progressDirty: false,
    ...totalsColumns(emptyTotals()),
    fanOutPage: 0,
    fanOutCursor: null,
    fanOutLeaseUntil: null,
    fanOutOwner: null,
    fanOutError: null,
    fanOutDoneAt: null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
  });
  await manager.insert(SyncRunEntity, run);
  await enqueueEvents(manager, [runChangedEvent(run, 'created', run.id)]);
  return run;
}
