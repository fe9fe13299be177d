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
import { GST_PERIOD_PATTERN, isCategoryOrAlias, isYearRange, JobOutcomes } from '@practice-sync/contracts';
import { z } from 'zod';

import type { RunPeriods, RunSelection } from '../runs/run-scope';

/** Still named here by the client-master client; its home is runs/run-scope.ts. */
export type { ClientSelection } from '../runs/run-scope';

const nonEmptyList = z.array(z.string().trim().min(1).max(200)).min(1).max(10_000);

/** Which clients a run covers; exactly one form (DESIGN.md, "Sync runs"). */
export const ClientSelectionSchema = z.union([
  z.object({ all: z.literal(true) }).strict(),
  z.object({ ids: z.array(z.string().uuid()).min(1).max(10_000) }).strict(),
  z.object({ tags: nonEmptyList }).strict(),
  z.object({ offices: nonEmptyList }).strict(),
]);

const GST_PERIOD_MESSAGE = 'must be a GST return period MMYYYY, e.g. 042025; omit it for the default';
/** One run syncs one assessment year: "all years" would be as many runs, so null is refused with how to ask. */
const ITR_PERIOD_MESSAGE =
  'must be one assessment year YYYY-YY, e.g. 2025-26 (one run syncs one year: start a run per year); ' +
  'omit it for the last completed assessment year';

export const RunPeriodsSchema = z
  .object({
    gst: z
      .string({ invalid_type_error: GST_PERIOD_MESSAGE })
      .regex(GST_PERIOD_PATTERN, GST_PERIOD_MESSAGE)
      .optional(),
    itr: z
      .string({ invalid_type_error: ITR_PERIOD_MESSAGE })
      .refine(isYearRange, ITR_PERIOD_MESSAGE)
      .optional(),
  })
  .strict();

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
