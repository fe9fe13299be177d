import type { Portal } from '@practice-sync/contracts';
import { SyncJobRequestedEvent, SyncJobRequestedSchema, Topics } from '@practice-sync/contracts';
import type { ConsumerSpec } from '@practice-sync/messaging';

import { recordJob } from './job-store';

const JOB_TOPICS: Record<Portal, string> = {
  gst: Topics.JobsGst,
  itr: Topics.JobsItr,
  esign: Topics.JobsEsign,
};

export function jobsTopicOf(portal: Portal): string {
  return JOB_TOPICS[portal];
}

export interface JobIntakeOptions {
  portal: Portal;
  /** Called once a new job's recording has committed (wakes the worker pool). */
  onRecorded(): void;
}

/**
 * The consumer of `sync.jobs.<portal>.v1`: it only records the job in `connector_jobs`, in the inbox's
 * transaction, and returns. Portal work happens in the worker pool, so the consumer never stalls its group.
 */
export function jobIntakeSpec(options: JobIntakeOptions): ConsumerSpec {
  return {
    groupId: `connector-${options.portal}.jobs`,
    topics: [jobsTopicOf(options.portal)],
    contracts: [SyncJobRequestedEvent],
    async handle(envelope, ctx) {
      const data = SyncJobRequestedSchema.parse(envelope.data);
      const recorded = await recordJob(ctx.manager, { ...data, firmId: envelope.firmId }, envelope.id);
      // After the commit: woken earlier, a worker could look before the job row is visible.
      if (recorded) ctx.afterCommit(() => options.onRecorded());
    },
  };
}
