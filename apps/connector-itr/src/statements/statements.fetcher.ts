import type {
  ConnectorJob,
  FetchPart,
  FetchResult,
  NormalisedRecord,
  PortalFetcher,
} from '@practice-sync/connector-kit';
import {
  abortableSleep,
  isPortalError,
  parseShape,
  PortalError,
  toRecord,
} from '@practice-sync/connector-kit';
import type { FailureCode } from '@practice-sync/contracts';
import { z } from 'zod';

import { financialYearForAssessmentYear, itrSubject } from '../common/itr-job';
import type { ItrApi } from '../itr-api/itr-api.client';

export const STATEMENT_KINDS = ['AIS', 'TIS', '26AS'] as const;
type Kind = (typeof STATEMENT_KINDS)[number];

const StatementJobSchema = z
  .object({
    jobId: z.string().min(1),
    status: z.enum(['queued', 'done', 'failed']),
    file: z
      .object({ entries: z.array(z.record(z.unknown())) })
      .passthrough()
      .nullable()
      .optional(),
    failureReason: z.string().nullable().optional(),
  })
  .passthrough();

export interface StatementsFetcherOptions {
  waitMaxMs: number;
  pollIntervalMs: number;
}

/** Fields that identify an entry within its statement (with its position, since entries may repeat). */
const KEY_FIELDS: Record<Kind, string[]> = {
  AIS: ['infoCode', 'reportedBy'],
  TIS: ['category'],
  '26AS': ['deductorTan', 'section', 'transactionDate'],
};

/** Failures that concern the whole account, not one statement: the other statements would fail the same way. */
const WHOLE_JOB_FAILURES: ReadonlySet<FailureCode> = new Set([
  'credentials_missing',
  'otp_required',
  'auth_failed',
]);

/**
 * AIS, TIS and Form 26AS of the financial year before the job's assessment year: each is an asynchronous
 * portal job (queued → done | failed) polled with bounded waiting. Entries keyed pan|kind|fy|n|fields.
 * The three are parts of one category: one statement failing keeps the others (the job ends `partial`, the
 * failed part reported with its reason and retried where the portal's error is transient); only when every
 * statement fails, or access itself fails, does the job fail.
 */
export class StatementsFetcher implements PortalFetcher {
  readonly category = 'itr.ais_tis_26as' as const;

  constructor(
    private readonly api: ItrApi,
    private readonly options: StatementsFetcherOptions,
  ) {}

  async fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult> {
    const { pan, assessmentYear } = itrSubject(job);
    const financialYear = financialYearForAssessmentYear(assessmentYear);
    const records: NormalisedRecord[] = [];
    const parts: FetchPart[] = [];
    for (const kind of STATEMENT_KINDS) {
      const keyPrefix = `${[pan, kind, financialYear].join('|')}|`;
      let entries: Record<string, unknown>[];
      try {
        entries = await this.statement(job, pan, kind, financialYear, signal);
      } catch (error) {
        if (!isPortalError(error) || WHOLE_JOB_FAILURES.has(error.code) || signal.aborted) throw error;
        parts.push({ name: kind, keyPrefix, error });
        continue;
      }
      parts.push({ name: kind, keyPrefix, error: null });
      entries.forEach((entry, n) => {
        const key = [pan, kind, financialYear, n + 1, ...KEY_FIELDS[kind].map((f) => String(entry[f] ?? ''))];
        records.push(toRecord(key.join('|'), { pan, kind, financialYear, ...entry }));
      });
    }
    const failed = parts.filter((p) => p.error);
    if (failed.length === parts.length) {
      const first = failed[0].error as PortalError;
      throw new PortalError(
        first.code,
        `no statement could be fetched: ${failed.map((p) => `${p.name}: ${p.error?.message}`).join('; ')}`,
        { retryable: failed.some((p) => p.error?.retryable), retryAfterMs: first.retryAfterMs },
      );
    }
    return { records, parts };
  }

  private async statement(
    job: ConnectorJob,
    pan: string,
    kind: Kind,
    financialYear: string,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>[]> {
    const what = `${kind} ${financialYear}`;
    let state = parseShape(
      StatementJobSchema,
      await this.api.call(
        job,
        {
          category: this.category,
          method: 'POST',
          path: '/portal/v1/statements',
          body: { pan, kind, financialYear },
          what,
        },
        signal,
      ),
      what,
      { owned: true },
    );
    const deadline = Date.now() + this.options.waitMaxMs;
    while (state.status === 'queued') {
      if (Date.now() + this.options.pollIntervalMs > deadline) {
        throw new PortalError(
          'timeout',
          `${what} was not ready within ${Math.round(this.options.waitMaxMs / 1000)} s; it will be retried`,
        );
      }
      await abortableSleep(this.options.pollIntervalMs, signal);
      state = parseShape(
        StatementJobSchema,
        await this.api.call(
          job,
          {
            category: this.category,
            path: `/portal/v1/statements/${encodeURIComponent(state.jobId)}`,
            query: { pan },
            what,
          },
          signal,
        ),
        what,
        { owned: true },
      );
    }
    if (state.status === 'failed') {
      // The portal's download job failed on its side (TRACES could not prepare the file): a later request
      // may succeed, so the part is retryable.
      throw new PortalError(
        'portal_unavailable',
        `the e-filing portal could not produce ${what}: ${state.failureReason ?? 'no reason given'}; it will be requested again`,
      );
    }
    return state.file?.entries ?? [];
  }
}
