import type {
  Category,
  FailureCode,
  JobOutcome,
  JobPart,
  JobStatus,
  RunStatus,
  RunTotals,
  SubjectKind,
  TaxpayerCounts,
  TaxpayerResults,
} from '@practice-sync/contracts';
import { JobOutcomes } from '@practice-sync/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, Min, MinLength } from 'class-validator';

import type { RunPeriods, RunSelection } from '../runs/run-scope';

/** `?limit=&cursor=` of the internal lists (up to 500 a page, where the public API allows 200). */
export class ListSyncRunsQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(500)
  limit: number = 50;

  @IsOptional()
  @IsString()
  @MinLength(1)
  cursor?: string;
}

export class ListSyncJobsQueryDto extends ListSyncRunsQueryDto {
  @IsOptional()
  @IsIn(JobOutcomes, { message: `must be one of ${JobOutcomes.join(', ')}` })
  outcome?: JobOutcome;

  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  clientId?: string;
}

/** SyncRun exactly as DESIGN.md "Resource shapes". */
export interface SyncRunResponseDto {
  id: string;
  status: RunStatus;
  clients: RunSelection;
  categories: Category[];
  period: RunPeriods;
  totals: RunTotals;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  scheduleId: string | null;
}

/** SyncJob exactly as DESIGN.md "Resource shapes". `subject.value` is null when the client has none. */
export interface SyncJobResponseDto {
  id: string;
  runId: string;
  clientId: string;
  /** The client's name when the run started (null for jobs stored before names were kept). */
  clientName: string | null;
  category: Category;
  subject: { kind: SubjectKind; value: string | null };
  period: string | null;
  status: JobStatus;
  outcome: JobOutcome | null;
  errorCode: FailureCode | null;
  errorMessage: string | null;
  retryable: boolean | null;
  attempts: number;
  counts: { added: number; updated: number; removed: number; unchanged: number };
  /** Per part of a multi-part category (AIS, TIS, Form 26AS); null for the others. */
  parts: JobPart[] | null;
  /** e-sign: per taxpayer of the client file; null for other categories and unfinished jobs. */
  taxpayers: TaxpayerResults | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface PageDto<T> {
  items: T[];
  nextCursor: string | null;
}

/** One client's part of a run: its jobs and how many ended in each outcome (GET …/summary). */
export interface ClientSummaryDto {
  clientId: string;
  clientName: string | null;
  counts: {
    succeeded: number;
    noChange: number;
    failed: number;
    skipped: number;
    cancelled: number;
    noData: number;
    partial: number;
  };
  /** Over the client's e-sign jobs: taxpayers synchronised, unsuccessful and with no change; null if none. */
  taxpayers: TaxpayerCounts | null;
  jobs: SyncJobResponseDto[];
}
