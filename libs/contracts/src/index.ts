export * from './branch-sync';
export * from './categories';
export * from './create-envelope';
export * from './dead-letters';
export * from './envelope';
export * from './event-contract';
export * from './events/books-changes-applied/books-changes-applied.event';
export * from './events/books-job-completed/books-job-completed.event';
export * from './events/books-job-requested/books-job-requested.event';
export * from './events/books-link-changed/books-link-changed.event';
export * from './events/client-records-changed/client-records-changed.event';
export * from './events/client-status-changed/client-status-changed.event';
export * from './events/shared.schema';
export * from './events/sync-job-completed/sync-job-completed.event';
export * from './events/sync-job-completed/taxpayer-results.schema';
export * from './events/sync-job-requested/sync-job-requested.event';
export * from './events/sync-run-changed/sync-run-changed.event';
export * from './identifiers';
export * from './outcomes';
export * from './periods';
export * from './portal-dates';
export * from './schedule-timing';
export * from './topic-roles';
export * from './topics';

import { BooksChangesAppliedEvent } from './events/books-changes-applied/books-changes-applied.event';
import { BooksJobCompletedEvent } from './events/books-job-completed/books-job-completed.event';
import { BooksJobRequestedEvent } from './events/books-job-requested/books-job-requested.event';
import { BooksLinkChangedEvent } from './events/books-link-changed/books-link-changed.event';
import {
  ClientCreatedEvent,
  ClientDeletedEvent,
  ClientUpdatedEvent,
} from './events/client-lifecycle/client-lifecycle.event';
import { ClientNoticeDetectedEvent } from './events/client-notice-detected/client-notice-detected.event';
import { ClientNoticeUpdatedEvent } from './events/client-notice-updated/client-notice-updated.event';
import { ClientRecordsChangedEvent } from './events/client-records-changed/client-records-changed.event';
import { ClientStatusChangedEvent } from './events/client-status-changed/client-status-changed.event';
import { SyncJobCompletedEvent } from './events/sync-job-completed/sync-job-completed.event';
import { SyncJobRequestedEvent } from './events/sync-job-requested/sync-job-requested.event';
import { SyncRunChangedEvent } from './events/sync-run-changed/sync-run-changed.event';

/** Every event contract, for documentation (AsyncAPI) and for consumers that accept several. */
export const ALL_EVENTS = [
  SyncJobRequestedEvent,
  SyncJobCompletedEvent,
  SyncRunChangedEvent,
  ClientStatusChangedEvent,
  ClientRecordsChangedEvent,
  ClientCreatedEvent,
  ClientUpdatedEvent,
  ClientDeletedEvent,
  ClientNoticeDetectedEvent,
  ClientNoticeUpdatedEvent,
  BooksJobRequestedEvent,
  BooksJobCompletedEvent,
  BooksChangesAppliedEvent,
  BooksLinkChangedEvent,
] as const;
export * from './asyncapi/build-asyncapi';
export * from './compiled-parse';
export * from './events/client-lifecycle/client-lifecycle.event';
export * from './events/client-notice-detected/client-notice-detected.event';
export * from './events/client-notice-updated/client-notice-updated.event';
