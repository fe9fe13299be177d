import type {
  Category,
  FailureCode,
  JobOutcome,
  JobStatus,
  RunStatus,
  RunTotals,
  SubjectKind,
  TaxpayerCounts,
  TaxpayerResults,
} from '@practice-sync/contracts';
import { GST_PERIOD_PATTERN, isCategoryOrAlias, isYearRange, JobOutcomes } from '@practice-sync/contracts';
import { z } from 'zod';

const nonEmptyList = z.array(z.string().trim().min(1).max(200)).min(1).max(10_000);

/** Which clients a run covers; exactly one form (DESIGN.md, "Sync runs"). */
export const ClientSelectionSchema = z.union([
  z.object({ all: z.literal(true) }).strict(),
  z.object({ ids: z.array(z.string().uuid()).min(1).max(10_000) }).strict(),
  z.object({ tags: nonEmptyList }).strict(),
  z.object({ offices: nonEmptyList }).strict(),
]);
export type ClientSelection = z.infer<typeof ClientSelectionSchema>;

/**
 * The clients of a retry run (POST …/retry): those with a failed job in run `retryOf`. Kept as a reference to
 * that run, never as a list of ids, so retrying 50,000 failures stores and answers one id. Never accepted as
 * a request's selection.
 */
export interface RetrySelection {
  retryOf: string;
}

/** What a run covers: a requested selection, or a retry's source run. */
export type RunSelection = ClientSelection | RetrySelection;

export function isRetrySelection(selection: RunSelection): selection is RetrySelection {
  return typeof (selection as Partial<RetrySelection>).retryOf === 'string';
}

export const RunPeriodsSchema = z
  .object({
    gst: z.string().regex(GST_PERIOD_PATTERN, 'must be a GST return period MMYYYY, e.g. 042025').optional(),
    itr: z.string().refine(isYearRange, 'must be an assessment year YYYY-YY, e.g. 2025-26').optional(),
  })
  .strict();
/** The period each portal's jobs use; a portal absent here has no jobs in the run (or no period). */
export type RunPeriods = z.infer<typeof RunPeriodsSchema>;

export const CreateSyncRunRequestSchema = z
  .object({
    clients: ClientSelectionSchema,
    categories: z
      .array(z.string().refine(isCategoryOrAlias, (v) => ({ message: `unknown category "${v}"` })))
      .min(1)
      .max(50),
    period: RunPeriodsSchema.optional(),
  })
  .strict();
export type CreateSyncRunRequestDto = z.infer<typeof CreateSyncRunRequestSchema>;

const limit = z.coerce.number().int().min(1).max(500).default(50);

export const ListSyncRunsQuerySchema = z.object({ limit, cursor: z.string().min(1).optional() });
export type ListSyncRunsQueryDto = z.infer<typeof ListSyncRunsQuerySchema>;

export const ListSyncJobsQuerySchema = ListSyncRunsQuerySchema.extend({
  outcome: z.enum(JobOutcomes).optional(),
  clientId: z.string().uuid().optional(),
});
export type ListSyncJobsQueryDto = z.infer<typeof ListSyncJobsQuerySchema>;

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
  counts: { succeeded: number; noChange: number; failed: number; skipped: number; cancelled: number };
  /** Over the client's e-sign jobs: taxpayers synchronised, unsuccessful and with no change; null if none. */
  taxpayers: TaxpayerCounts | null;
  jobs: SyncJobResponseDto[];
}
