import type { TaxpayerCounts } from '@practice-sync/contracts';

import { totalsOf } from '../runs/run-totals';
import type { SyncJobEntity } from '../runs/sync-job.entity';
import type { SyncRunEntity } from '../runs/sync-run.entity';
import type { SyncJobResponseDto, SyncRunResponseDto } from './sync-runs.dto';

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
    clients: run.selection,
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
    counts: { added: job.added, updated: job.updated, removed: job.removed, unchanged: job.unchanged },
    parts: job.parts ?? null,
    taxpayers: job.taxpayers,
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
  };
}
