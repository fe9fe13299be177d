import { Injectable } from '@nestjs/common';
import type { Envelope, SyncJobCompleted } from '@practice-sync/contracts';
import { SyncJobCompletedEvent, Topics } from '@practice-sync/contracts';
import type { HandlerContext, InboxSubscription } from '@practice-sync/messaging';
import { InboxConsumer, KafkaMessaging } from '@practice-sync/messaging';

import { lockRun } from '../runs/run-announcer';
import { ResultsService } from './results.service';

const SUBSCRIPTION: InboxSubscription = {
  groupId: 'sync-orchestrator.results',
  topics: [Topics.Results],
  contracts: [SyncJobCompletedEvent],
  concurrency: 4,
  // A group of results (one transaction) may hold the row locks of several runs until it commits: take
  // them in id order first, like every writer of several runs (the dispatcher), so that two groups, or a
  // group and the dispatcher, never lock two runs in opposite orders (a deadlock).
  beforeGroup: async (envelopes, manager) => {
    const runIds = [...new Set(envelopes.map((e) => (e.data as SyncJobCompleted).runId))].sort();
    if (runIds.length > 1) for (const id of runIds) await lockRun(manager, id);
  },
};

/** Connector results (`sync.results.v1`); partitions are handled concurrently, serialised per run by a row lock. */
@Injectable()
export class ResultsConsumer extends InboxConsumer<SyncJobCompleted> {
  constructor(
    messaging: KafkaMessaging,
    private readonly results: ResultsService,
  ) {
    super(messaging, SUBSCRIPTION);
  }

  handle(envelope: Envelope<SyncJobCompleted>, ctx: HandlerContext): Promise<void> {
    return this.results.apply(envelope, ctx);
  }
}
