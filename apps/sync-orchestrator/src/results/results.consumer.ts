import type { OnApplicationBootstrap } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { SyncJobCompletedEvent, Topics } from '@practice-sync/contracts';
import { KafkaMessaging } from '@practice-sync/messaging';

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
      handle: (envelope, ctx) => this.results.apply(envelope, ctx),
    });
  }
}
