import { Inject, Injectable } from '@nestjs/common';
import type { BooksJobCompleted, BooksJobRequested, Envelope } from '@practice-sync/contracts';
import { BooksJobCompletedEvent, BooksJobRequestedEvent, Topics } from '@practice-sync/contracts';
import type { HandlerContext } from '@practice-sync/messaging';
import { InboxConsumer, KafkaMessaging } from '@practice-sync/messaging';
import { counter, METRICS_REGISTRY } from '@practice-sync/observability';
import type { Counter, Registry } from 'prom-client';

import { enqueueLinkChanges } from '../branch-links/link-events';
import type { LinkJobEvent } from './apply-link-job';
import { applyLinkJob, lockLinks } from './apply-link-job';

export const LINK_STATE_GROUP = 'client-master.link-state';

type JobEnvelope = Envelope<BooksJobRequested | BooksJobCompleted>;

function isResult(e: JobEnvelope): e is Envelope<BooksJobCompleted> {
  return e.type === BooksJobCompletedEvent.type;
}

/**
 * Keeps each branch link's state from its jobs: `books.job.requested` (the orchestrator dispatched a job, on
 * the connector's own topic, read here in a group of our own) makes it `syncing`; `books.job.completed` makes it
 * `online` with its last sync, or `failed` with why. In the inbox transaction, with `books.link.changed`
 * (`state_changed`) in the outbox when the state moves: applied once, announced once, in any delivery order.
 */
@Injectable()
export class LinkStateConsumer extends InboxConsumer<BooksJobRequested | BooksJobCompleted> {
  private readonly applied: Counter<'event' | 'effect'>;

  constructor(messaging: KafkaMessaging, @Inject(METRICS_REGISTRY) registry: Registry) {
    super(messaging, {
      groupId: LINK_STATE_GROUP,
      topics: [Topics.JobsBooks, Topics.BooksResults],
      contracts: [BooksJobRequestedEvent, BooksJobCompletedEvent],
      beforeGroup: (envelopes, manager) =>
        lockLinks(
          manager,
          (envelopes as JobEnvelope[]).map((e) => e.data.linkId),
        ),
    });
    this.applied = counter(
      registry,
      'client_master_link_job_events_total',
      'Branch-sync job events read for link states, by event and effect (changed | unchanged)',
      ['event', 'effect'],
    );
  }

  async handle(envelope: JobEnvelope, ctx: HandlerContext): Promise<void> {
    const data = envelope.data;
    const result = isResult(envelope) ? envelope.data : null;
    const event: LinkJobEvent = {
      linkId: data.linkId,
      category: data.category,
      jobId: data.jobId,
      attempt: data.attempt,
      phase: result ? 'completed' : 'requested',
      at: new Date(result ? result.finishedAt : envelope.occurredAt),
    };
    const applied = await applyLinkJob(ctx.manager, envelope.firmId, event, result);
    if (applied && applied.link.state !== applied.previousState) {
      await enqueueLinkChanges(ctx.manager, applied.link, [{ change: 'state_changed' }], {
        firmId: envelope.firmId,
        previousState: applied.previousState,
        correlationId: data.runId,
        causationId: envelope.id,
      });
    }
    const effect = applied ? 'changed' : 'unchanged';
    ctx.afterCommit(() => this.applied.inc({ event: envelope.type, effect }));
    this.logger.debug({
      msg: applied ? 'link state moved' : 'link state unchanged',
      firmId: envelope.firmId,
      runId: data.runId,
      linkId: data.linkId,
      category: data.category,
      state: applied?.link.state,
    });
  }
}
