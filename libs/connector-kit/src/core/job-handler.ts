import type { EventContract } from '@practice-sync/contracts';
import type { OutgoingEvent } from '@practice-sync/messaging';
import type { EntityManager } from 'typeorm';

import type { JobCompletion, RecordedJob } from './job-store';
import type { PortalError } from './portal-error';

/** A claimed job as a `JobHandler` sees it: its row's identity and the request it was recorded from. */
export interface HandledJob {
  jobId: string;
  attempt: number;
  runId: string;
  firmId: string;
  category: string;
  /** The SyncJobRequested-like event id (causation of the result). */
  requestEventId: string;
  startedAt: Date;
  /** The request as the intake recorded it (`JobHandler.intake.record`). */
  payload: unknown;
}

/** What a handled job leaves behind, written in the job's finishing transaction. */
export interface HandledResult {
  completion: Omit<JobCompletion, 'finishedAt'>;
  retryable: boolean;
  /**
   * Runs inside the transaction that marks the job done (fenced by its claim): the handler's own writes
   * (watermarks, logs) and the events it returns go to the outbox in it. A lost lease rolls all of it back.
   */
  persist(manager: EntityManager, finishedAt: Date): Promise<OutgoingEvent[]>;
}

/**
 * The seam for a connector whose jobs are not "fetch records, compare with the last snapshot" (connector-books
 * exports from one books server and imports into another). The kit still records the job from its topic,
 * claims it in the worker pool (leases, firm turns, crash re-claims), bounds it with `FETCH_TIMEOUT_MS`,
 * releases it on shutdown and finishes it in one fenced transaction; the handler does the work and says what
 * to write and publish. Its HTTP calls go through the kit's PortalHttpClient (limiter, breaker, retries).
 */
export interface JobHandler<T = unknown> {
  readonly categories: readonly string[];
  readonly intake: {
    contract: EventContract<T>;
    /** The row identity and the payload to keep for a consumed request (its data, already validated). */
    record(data: T, firmId: string): { job: RecordedJob; payload: unknown };
  };
  /** Does the job; a thrown error becomes `failed(job, error)`. */
  handle(job: HandledJob, signal: AbortSignal): Promise<HandledResult>;
  /** The result of a job that ended without `handle` answering (timeout, a throw, too many claims). */
  failed(job: HandledJob, error: PortalError): HandledResult;
}
