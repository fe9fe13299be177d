import { SyncJobRequestedEvent, SyncJobRequestedSchema, Topics } from '@practice-sync/contracts';
import type { ConsumerSpec } from '@practice-sync/messaging';

import type { ConnectorFamily } from './connector-family';
import type { JobHandler } from './job-handler';
import { recordJob } from './job-store';

const JOB_TOPICS: Record<ConnectorFamily, string> = {
  gst: Topics.JobsGst,
  itr: Topics.JobsItr,
  esign: Topics.JobsEsign,
  books: Topics.JobsBooks,
};

export function jobsTopicOf(portal: ConnectorFamily): string {
  return JOB_TOPICS[portal];
}

export interface JobIntakeOptions {
  portal: ConnectorFamily;
  /** A connector whose jobs a JobHandler runs: its request contract and how a request is recorded. */
  handler?: JobHandler;
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
    contracts: [options.handler ? options.handler.intake.contract : SyncJobRequestedEvent],
    // Partitions taken together share one transaction (group commit): recording a job is one insert, so the
    // transaction, not the work, was the cost of each group.
    concurrency: 4,
    async handle(envelope, ctx) {
      if (options.handler) {
        const { contract, record } = options.handler.intake;
        const { job, payload } = record(contract.schema.parse(envelope.data), envelope.firmId);
        const recorded = await recordJob(ctx.manager, job, envelope.id, payload);
        if (recorded) ctx.afterCommit(() => options.onRecorded());
        return;
      }
      const data = SyncJobRequestedSchema.parse(envelope.data);
      const recorded = await recordJob(ctx.manager, { ...data, firmId: envelope.firmId }, envelope.id);
      // After the commit: woken earlier, a worker could look before the job row is visible.
      if (recorded) ctx.afterCommit(() => options.onRecorded());
    },
  };
}
