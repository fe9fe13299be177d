import { Injectable } from '@nestjs/common';
import type { BooksJobCompleted, Envelope, SyncJobCompleted } from '@practice-sync/contracts';
import { BooksJobCompletedEvent, SyncJobCompletedEvent, Topics } from '@practice-sync/contracts';
import type { HandlerContext, InboxSubscription } from '@practice-sync/messaging';
import { InboxConsumer, KafkaMessaging } from '@practice-sync/messaging';

import { lockRun } from '../runs/run-announcer';
import { ResultsService } from './results.service';

/**
 * Results of both connector families: the portal connectors' SyncJobCompleted on `sync.results.v1` and
 * connector-books' BooksJobCompleted on `sync.results.books.v1`. One subscription, one inbox, one code path
 * (ResultsService): a books job moves through the same decisions, back-off, totals and run events.
 */
const SUBSCRIPTION: InboxSubscription = {
  groupId: 'sync-orchestrator.results',
  topics: [Topics.Results, Topics.BooksResults],
  contracts: [SyncJobCompletedEvent, BooksJobCompletedEvent],
  concurrency: 4,
  // A group of results (one transaction) may hold the row locks of several runs until it commits: take
  // them in id order first, like every writer of several runs (the dispatcher), so that two groups, or a
  // group and the dispatcher, never lock two runs in opposite orders (a deadlock).
  beforeGroup: async (envelopes, manager) => {
    const runIds = [
      ...new Set(envelopes.map((e) => (e.data as SyncJobCompleted | BooksJobCompleted).runId)),
    ].sort();
    if (runIds.length > 1) for (const id of runIds) await lockRun(manager, id);
  },
};

/** Connector results (`sync.results.v1`, `sync.results.books.v1`); partitions are handled concurrently, serialised per run by a row lock. */
@Injectable()
export class ResultsConsumer extends InboxConsumer<SyncJobCompleted | BooksJobCompleted> {
  constructor(
    messaging: KafkaMessaging,
    private readonly results: ResultsService,
  ) {
    super(messaging, SUBSCRIPTION);
  }

  handle(envelope: Envelope<SyncJobCompleted | BooksJobCompleted>, ctx: HandlerContext): Promise<void> {
    return this.results.apply(envelope, ctx);
  }
}
