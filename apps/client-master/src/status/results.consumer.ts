import { Inject, Injectable } from '@nestjs/common';
import type { Envelope, SyncJobCompleted } from '@practice-sync/contracts';
import {
  ClientStatusChangedEvent,
  createEnvelope,
  SyncJobCompletedEvent,
  Topics,
} from '@practice-sync/contracts';
import type { HandlerContext } from '@practice-sync/messaging';
import { enqueueEvents, InboxConsumer, KafkaMessaging } from '@practice-sync/messaging';
import { counter, METRICS_REGISTRY } from '@practice-sync/observability';
import type { Counter, Registry } from 'prom-client';

import { applyResult } from './apply-result';

export const RESULTS_GROUP = 'client-master.results';

/**
 * Keeps the status grid current from job results, and announces each changed cell on `client.events.v1`
 * through the outbox, in the same transaction as the inbox marker: applied exactly once, announced exactly once.
 */
@Injectable()
export class ResultsConsumer extends InboxConsumer<SyncJobCompleted> {
  private readonly results: Counter<'category' | 'outcome'>;

  constructor(messaging: KafkaMessaging, @Inject(METRICS_REGISTRY) registry: Registry) {
    super(messaging, {
      groupId: RESULTS_GROUP,
      topics: [Topics.Results],
      contracts: [SyncJobCompletedEvent],
      // Partitions taken together share one transaction (group commit). Each partition holds other clients
      // (results are keyed by client), so no two groups touch the same status cell.
      concurrency: 4,
    });
    this.results = counter(
      registry,
      'client_master_results_total',
      'Job results applied to the status grid',
      ['category', 'outcome'],
    );
  }

  async handle(envelope: Envelope<SyncJobCompleted>, ctx: HandlerContext): Promise<void> {
    const result = envelope.data;
    const change = await applyResult(ctx.manager, envelope.firmId, result);
    if (change) {
      const event = createEnvelope(ClientStatusChangedEvent, change, {
        firmId: envelope.firmId,
        correlationId: result.runId,
        causationId: envelope.id,
      });
      await enqueueEvents(ctx.manager, [{ contract: ClientStatusChangedEvent, envelope: event }]);
    }
    // Counted once the handling commits: a rolled-back or redone group must not count twice.
    ctx.afterCommit(() => this.results.inc({ category: result.category, outcome: result.outcome }));
    this.logger.debug({
      msg: change ? 'status cell changed' : 'status cell unchanged',
      firmId: envelope.firmId,
      runId: result.runId,
      clientId: result.clientId,
      category: result.category,
    });
  }
}
