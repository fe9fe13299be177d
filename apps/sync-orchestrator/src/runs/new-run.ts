import { HttpStatus } from '@nestjs/common';
import { enqueueEvents } from '@practice-sync/messaging';
import { currentTraceparent } from '@practice-sync/observability';
import { ProblemException, ProblemType } from '@practice-sync/problems';
import type { DataSource, EntityManager } from 'typeorm';
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
  /** The client's `Idempotency-Key` (forwarded by the gateway): at most one run per key in the firm. */
  idempotencyKey?: string | null;
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
    idempotencyKey: input.idempotencyKey ?? null,
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

/**
 * The firm's run created with this `Idempotency-Key`, if any (a null key: none). A run created by another kind
 * of request (a new run vs a retry, or a retry of another run: `retryOf` differs) is a 422, not an answer.
 */
export async function runByIdempotencyKey(
  manager: EntityManager,
  firmId: string,
  key: string | null | undefined,
  retryOf: string | null,
): Promise<SyncRunEntity | null> {
  if (!key) return null;
  const run = await manager.findOne(SyncRunEntity, { where: { firmId, idempotencyKey: key } });
  if (run && run.retryOf !== retryOf) {
    throw new ProblemException(
      ProblemType.IdempotencyKeyReused,
      HttpStatus.UNPROCESSABLE_ENTITY,
      'Idempotency-Key reused',
      `This Idempotency-Key already created sync run ${run.id} for another request; use a new key for a new request.`,
    );
  }
  return run;
}

/**
 * `insertRun` in its own transaction, once per `Idempotency-Key`: requests with the same key in the firm take
 * their turn on an advisory lock, so a later one finds the run the first created and returns it,
 * `created: false`. The unique index on (firm_id, idempotency_key) stays the guarantee.
 */
export async function insertRunOnce(
  dataSource: DataSource,
  input: NewRun,
  now: Date,
): Promise<{ run: SyncRunEntity; created: boolean }> {
  const key = input.idempotencyKey;
  return dataSource.transaction(async (manager) => {
    if (key) {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('sync_orchestrator.run_key:' || $1))`, [
        `${input.firmId}|${key}`,
      ]);
      const existing = await runByIdempotencyKey(manager, input.firmId, key, input.retryOf ?? null);
      if (existing) return { run: existing, created: false };
    }
    return { run: await insertRun(manager, input, now), created: true };
  });
}
