import type { OnApplicationBootstrap } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { SyncJobCompleted } from '@practice-sync/contracts';
import { SyncJobCompletedEvent, Topics } from '@practice-sync/contracts';
import { KafkaMessaging } from '@practice-sync/messaging';

import { lockRun } from '../runs/run-announcer';
import { ResultsService } from './results.service';

/** Connector results (`sync.results.v1`); partitions are handled concurrently, serialised per run by a row lock. */
@Injectable()
export class ResultsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly messaging: KafkaMessaging,
    private readonly results: ResultsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The messaging module stops every consumer before the database closes, so no explicit stop here.
    await this.messaging.consume({
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
      handle: (envelope, ctx) => this.results.apply(envelope, ctx),
    });
  }
}
