import type {
  FailureCode,
  JobOutcome,
  JobPart,
  JobStatus,
  RunStatus,
  RunTotals,
  TaxpayerCounts,
  TaxpayerResults,
} from '@practice-sync/contracts';
import { JobOutcomes } from '@practice-sync/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, Min, MinLength } from 'class-validator';

import type { JobCategory, JobSubjectKind, RunSubjectKind } from '../runs/job-kind';
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

  /** A branch sync run's jobs of one link. */
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a branch link id (UUID)' })
  linkId?: string;
}

/** SyncRun exactly as DESIGN.md "Resource shapes". */
export interface SyncRunResponseDto {
  id: string;
  status: RunStatus;
  /** `clients` (portal categories) or `links` (branch sync, `books.*` categories). */
  subjectKind: RunSubjectKind;
  /** The client selection of a run over clients; null for a run over links. */
  clients: RunSelection | null;
  /** The link selection of a run over branch links; null for a run over clients. */
  links: RunSelection | null;
  categories: JobCategory[];
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
  /** Null for a branch sync job. */
  clientId: string | null;
  /** The client's name when the run started (null for jobs stored before names were kept). */
  clientName: string | null;
  /** The branch link of a branch sync job; null for a client's job. */
  linkId: string | null;
  category: JobCategory;
  subject: { kind: JobSubjectKind; value: string | null };
  period: string | null;
  status: JobStatus;
  outcome: JobOutcome | null;
  errorCode: FailureCode | null;
  errorMessage: string | null;
  retryable: boolean | null;
  attempts: number;
  /** A client's job: records added/updated/removed/unchanged; a books job: objects (DESIGN.md "Branch sync"). */
  counts: JobCountsDto | BooksJobCountsDto;
  /** A books job: how many refused objects its result listed (null for a client's job). */
  failedObjects: number | null;
  /** Per part of a multi-part category (AIS, TIS, Form 26AS); null for the others. */
  parts: JobPart[] | null;
  /** e-sign: per taxpayer of the client file; null for other categories and unfinished jobs. */
  taxpayers: TaxpayerResults | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobCountsDto {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
}

/** A branch sync job's counts: `held` for an unreachable receiver of an on-demand link, `conflicts` queued. */
export interface BooksJobCountsDto {
  created: number;
  altered: number;
  deleted: number;
  unchanged: number;
  held: number;
  conflicts: number;
  errors: number;
}

export interface PageDto<T> {
  items: T[];
  nextCursor: string | null;
}

/** How many of a group's jobs ended in each outcome. */
export interface OutcomeCountsDto {
  succeeded: number;
  noChange: number;
  failed: number;
  skipped: number;
  cancelled: number;
  noData: number;
  partial: number;
}

/** One link's part of a branch sync run (GET …/summary): its jobs, their outcomes and the objects they moved. */
export interface LinkSummaryDto {
  linkId: string;
  counts: OutcomeCountsDto;
  /** Over the link's jobs (masters and transactions). */
  objects: BooksJobCountsDto;
  jobs: SyncJobResponseDto[];
}

/** One client's part of a run: its jobs and how many ended in each outcome (GET …/summary). */
export interface ClientSummaryDto {
  clientId: string;
  clientName: string | null;
  counts: OutcomeCountsDto;
  /** Over the client's e-sign jobs: taxpayers synchronised, unsuccessful and with no change; null if none. */
  taxpayers: TaxpayerCounts | null;
  jobs: SyncJobResponseDto[];
}
