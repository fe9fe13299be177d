import { Inject, Injectable } from '@nestjs/common';
import type { ClientRecordsChanged, Envelope } from '@practice-sync/contracts';
import {
  ClientNoticeDetectedEvent,
  ClientNoticeUpdatedEvent,
  ClientRecordsChangedEvent,
  createEnvelope,
  Topics,
} from '@practice-sync/contracts';
import type { HandlerContext, InboxSubscription, OutgoingEvent } from '@practice-sync/messaging';
import { enqueueEvents, InboxConsumer, KafkaMessaging } from '@practice-sync/messaging';
import { counter, METRICS_REGISTRY } from '@practice-sync/observability';
import type { Counter, Registry } from 'prom-client';

import type { NoticeChange } from '../notices/apply-notices';
import { applyNotices } from '../notices/apply-notices';
import { applyRecordsChunk } from './apply-records';

export const RECORDS_GROUP = 'client-master.records';

const SUBSCRIPTION: InboxSubscription = {
  groupId: RECORDS_GROUP,
  topics: [Topics.Records],
  contracts: [ClientRecordsChangedEvent],
  concurrency: 4,
};

/**
 * Keeps the records store and the change feed from `client.records.v1`, and the client's notices (one per
 * notice id, whatever period fetched it), announcing a new notice or a notice's new status / due date on
 * `client.events.v1`, all in the inbox transaction: a redelivered chunk changes nothing and announces nothing.
 */
@Injectable()
export class RecordsConsumer extends InboxConsumer<ClientRecordsChanged> {
  private readonly changes: Counter<'category' | 'change'>;

  constructor(messaging: KafkaMessaging, @Inject(METRICS_REGISTRY) registry: Registry) {
    super(messaging, SUBSCRIPTION);
    this.changes = counter(
      registry,
      'client_master_record_changes_total',
      'Record changes entered in the change feed (added, updated, removed)',
      ['category', 'change'],
    );
  }

  async handle(envelope: Envelope<ClientRecordsChanged>, ctx: HandlerContext): Promise<void> {
    const chunk = envelope.data;
    const at = new Date(envelope.occurredAt);
    // One statement: the client check, the records and the change feed.
    const { known, applied } = await applyRecordsChunk(ctx.manager, envelope.firmId, chunk, at);
    if (!known) {
      this.logger.warn({ msg: 'records for an unknown client ignored', clientId: chunk.clientId });
      return;
    }
    ctx.afterCommit(() => {
      for (const { kind } of applied) this.changes.inc({ category: chunk.category, change: kind });
    });
    const notices = await applyNotices(ctx.manager, envelope.firmId, chunk, at);
    const events = notices.map((n) => this.noticeEvent(envelope, n));
    if (events.length > 0) await enqueueEvents(ctx.manager, events);
  }

  private noticeEvent(envelope: Envelope<ClientRecordsChanged>, n: NoticeChange): OutgoingEvent {
    const chunk = envelope.data;
    const data = {
      clientId: chunk.clientId,
      category: chunk.category,
      subject: chunk.subject,
      period: chunk.period,
      naturalKey: n.naturalKey,
      noticeId: n.notice.noticeId,
      section: n.notice.section,
      status: n.notice.status,
      dueDate: n.notice.dueDate,
      issuedOn: n.notice.issuedOn,
      portalDates: n.notice.portalDates,
      description: n.notice.description,
      runId: chunk.runId,
      jobId: chunk.jobId,
    };
    const meta = { firmId: envelope.firmId, correlationId: chunk.runId, causationId: envelope.id };
    return n.kind === 'detected'
      ? {
          contract: ClientNoticeDetectedEvent,
          envelope: createEnvelope(ClientNoticeDetectedEvent, data, meta),
        }
      : {
          contract: ClientNoticeUpdatedEvent,
          envelope: createEnvelope(ClientNoticeUpdatedEvent, { ...data, previous: n.previous }, meta),
        };
  }
}
