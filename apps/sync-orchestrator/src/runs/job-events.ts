import type { Portal, SyncJobRequested, TopicName } from '@practice-sync/contracts';
import { createEnvelope, SyncJobRequestedEvent, Topics } from '@practice-sync/contracts';
import type { OutgoingEvent } from '@practice-sync/messaging';

import type { PlannedJob } from './planned-job';

export const JOB_TOPIC_BY_PORTAL: Record<Portal, TopicName> = {
  gst: Topics.JobsGst,
  itr: Topics.JobsItr,
  esign: Topics.JobsEsign,
};

/** The first dispatch of a job, on its portal's job topic (the contract may travel on three). */
export function jobRequestedEvent(
  job: Omit<PlannedJob, 'clientName'>,
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
