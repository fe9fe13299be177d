import type {
  BooksCategory,
  BooksJobRequested,
  Category,
  Portal,
  SubjectKind,
  SyncJobRequested,
  TopicName,
} from '@practice-sync/contracts';
import {
  BooksJobRequestedEvent,
  createEnvelope,
  SyncJobRequestedEvent,
  Topics,
} from '@practice-sync/contracts';
import type { OutgoingEvent } from '@practice-sync/messaging';

import type { BooksJobSnapshot } from './job-kind';

export const JOB_TOPIC_BY_PORTAL: Record<Portal, TopicName> = {
  gst: Topics.JobsGst,
  itr: Topics.JobsItr,
  esign: Topics.JobsEsign,
};

/** What a client's job sends to its portal's connector. */
export interface PortalJobToSend {
  id: string;
  clientId: string;
  category: Category;
  portal: Portal;
  subject: { kind: SubjectKind; value: string };
  period: string | null;
}

/** What a branch sync job sends to connector-books. */
export interface BooksJobToSend {
  id: string;
  linkId: string;
  category: BooksCategory;
  books: BooksJobSnapshot;
}

/** The first dispatch of a job, on its portal's job topic (the contract may travel on three). */
export function jobRequestedEvent(
  job: PortalJobToSend,
  run: { id: string; firmId: string },
  attempt = 1,
): OutgoingEvent<SyncJobRequested> {
  const data: SyncJobRequested = {
    jobId: job.id,
    runId: run.id,
    clientId: job.clientId,
    category: job.category,
    subject: job.subject,
    period: job.period,
    attempt,
  };
  return {
    contract: SyncJobRequestedEvent,
    envelope: createEnvelope(SyncJobRequestedEvent, data, {
      firmId: run.firmId,
      correlationId: run.id,
      causationId: run.id,
    }),
    topic: JOB_TOPIC_BY_PORTAL[job.portal],
  };
}

/** A branch sync job's dispatch (attempt n) on `sync.jobs.books.v1`, keyed by link. */
export function booksJobRequestedEvent(
  job: BooksJobToSend,
  run: { id: string; firmId: string },
  attempt = 1,
): OutgoingEvent<BooksJobRequested> {
  const data: BooksJobRequested = {
    jobId: job.id,
    runId: run.id,
    firmId: run.firmId,
    linkId: job.linkId,
    category: job.category,
    client: job.books.client,
    server: job.books.server,
    rules: job.books.rules,
    ...(job.books.snapshot ? { snapshot: job.books.snapshot } : {}),
    attempt,
    mode: job.books.mode ?? 'online',
  };
  return {
    contract: BooksJobRequestedEvent,
    envelope: createEnvelope(BooksJobRequestedEvent, data, {
      firmId: run.firmId,
      correlationId: run.id,
      causationId: run.id,
    }),
    topic: Topics.JobsBooks,
  };
}
