import type { TaxpayerCounts } from '@practice-sync/contracts';

import { totalsOf } from '../runs/run-totals';
import type { SyncJobEntity } from '../runs/sync-job.entity';
import type { SyncRunEntity } from '../runs/sync-run.entity';
import type {
  BooksJobCountsDto,
  OutcomeCountsDto,
  SyncJobResponseDto,
  SyncRunResponseDto,
} from './sync-runs.dto';

/** The taxpayer counts over a client's jobs that have a per-taxpayer breakdown; null when none has. */
export function taxpayerCountsOf(jobs: readonly Pick<SyncJobEntity, 'taxpayers'>[]): TaxpayerCounts | null {
  let total: TaxpayerCounts | null = null;
  for (const { taxpayers } of jobs) {
    if (!taxpayers) continue;
    total ??= { succeeded: 0, unsuccessful: 0, noChange: 0 };
    total.succeeded += taxpayers.counts.succeeded;
    total.unsuccessful += taxpayers.counts.unsuccessful;
    total.noChange += taxpayers.counts.noChange;
  }
  return total;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toSyncRunDto(run: SyncRunEntity): SyncRunResponseDto {
  return {
    id: run.id,
    status: run.status,
    subjectKind: run.subjectKind,
    clients: run.subjectKind === 'links' ? null : run.selection,
    links: run.subjectKind === 'links' ? run.selection : null,
    categories: run.categories,
    period: run.period,
    totals: totalsOf(run),
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    scheduleId: run.scheduleId,
  };
}

export function toSyncJobDto(job: SyncJobEntity): SyncJobResponseDto {
  return {
    id: job.id,
    runId: job.runId,
    clientId: job.clientId,
    clientName: job.clientName,
    linkId: job.linkId,
    category: job.category,
    subject: { kind: job.subjectKind, value: job.subjectValue === '' ? null : job.subjectValue },
    period: job.period,
    status: job.status,
    outcome: job.outcome,
    errorCode: job.errorCode,
    errorMessage: job.errorMessage,
    retryable: job.retryable,
    // Re-queues the portal's throttling asked for are not attempts the job spent.
    attempts: Math.max(0, job.attempts - (job.deferrals ?? 0)),
    counts: job.linkId
      ? booksCountsOf(job)
      : { added: job.added, updated: job.updated, removed: job.removed, unchanged: job.unchanged },
    failedObjects: job.linkId ? job.failedObjects : null,
    parts: job.parts ?? null,
    taxpayers: job.taxpayers,
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
  };
}

/** A books job's counts from the columns it shares with client jobs (created = added, …) and its own. */
export function booksCountsOf(
  job: Pick<
    SyncJobEntity,
    'added' | 'updated' | 'removed' | 'unchanged' | 'objectErrors' | 'booksHeld' | 'booksConflicts'
  >,
): BooksJobCountsDto {
  return {
    created: job.added,
    altered: job.updated,
    deleted: job.removed,
    unchanged: job.unchanged,
    held: job.booksHeld,
    conflicts: job.booksConflicts,
    errors: job.objectErrors,
  };
}

/** How many of these jobs ended in each outcome. */
export function outcomeCountsOf(jobs: readonly Pick<SyncJobEntity, 'outcome'>[]): OutcomeCountsDto {
  const count = (outcome: string) => jobs.filter((j) => j.outcome === outcome).length;
  return {
    succeeded: count('succeeded'),
    noChange: count('no_change'),
    failed: count('failed'),
    skipped: count('skipped'),
    cancelled: count('cancelled'),
    noData: count('no_data'),
    partial: count('partial'),
  };
}

/** The objects a link's jobs moved, summed over its classes. */
export function linkObjectsOf(jobs: readonly SyncJobEntity[]): BooksJobCountsDto {
  const total = booksCountsOf({
    added: 0,
    updated: 0,
    removed: 0,
    unchanged: 0,
    objectErrors: 0,
    booksHeld: 0,
    booksConflicts: 0,
  });
  for (const job of jobs) {
    const c = booksCountsOf(job);
    for (const k of Object.keys(total) as (keyof BooksJobCountsDto)[]) total[k] += c[k];
  }
  return total;
}
