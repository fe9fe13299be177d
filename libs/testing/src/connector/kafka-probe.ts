import type {
  ClientRecordsChanged,
  Envelope,
  Portal,
  SyncJobCompleted,
  SyncJobRequested,
} from '@practice-sync/contracts';
import { createEnvelope, SyncJobRequestedEvent, Topics } from '@practice-sync/contracts';
import { encodeEvent } from '@practice-sync/messaging';
import type { Consumer, Producer } from 'kafkajs';

import { openProbeKafka } from './probe-kafka';

// The orchestrator's topic per portal (connector-kit's job intake reads the same ones).
const JOB_TOPICS: Record<Portal, string> = {
  gst: Topics.JobsGst,
  itr: Topics.JobsItr,
  esign: Topics.JobsEsign,
};
const jobsTopicOf = (portal: Portal): string => JOB_TOPICS[portal];

/**
 * A test's view of Kafka around one connector: publishes SyncJobRequested like the orchestrator does and
 * collects every SyncJobCompleted and ClientRecordsChanged (duplicates included, to prove there are none).
 */
export class KafkaProbe {
  private constructor(
    private readonly producer: Producer,
    private readonly consumer: Consumer,
    private readonly prefix: string,
    readonly results: Envelope<SyncJobCompleted>[],
    readonly records: Envelope<ClientRecordsChanged>[],
  ) {}

  static async start(brokers: string[], prefix: string, groupId: string): Promise<KafkaProbe> {
    const results: Envelope<SyncJobCompleted>[] = [];
    const records: Envelope<ClientRecordsChanged>[] = [];
    const { producer, consumer } = await openProbeKafka({
      brokers,
      prefix,
      groupId,
      topics: [Topics.Results, Topics.Records, Topics.JobsGst, Topics.JobsItr, Topics.JobsEsign],
      consumed: [Topics.Results, Topics.Records],
      onEnvelope: (topic, envelope) => {
        if (topic === Topics.Results) results.push(envelope as Envelope<SyncJobCompleted>);
        else records.push(envelope as Envelope<ClientRecordsChanged>);
      },
    });
    return new KafkaProbe(producer, consumer, prefix, results, records);
  }

  async publishJobs(portal: Portal, firmId: string, jobs: SyncJobRequested[]): Promise<void> {
    const messages = jobs.map((job) =>
      encodeEvent({
        contract: SyncJobRequestedEvent,
        topic: jobsTopicOf(portal),
        envelope: createEnvelope(SyncJobRequestedEvent, job, {
          firmId,
          correlationId: job.runId,
          causationId: null,
        }),
      }),
    );
    await this.producer.send({
      topic: `${this.prefix}${jobsTopicOf(portal)}`,
      messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
    });
  }

  resultsOf(jobId: string): SyncJobCompleted[] {
    return this.results.filter((e) => e.data.jobId === jobId).map((e) => e.data);
  }

  recordsOf(jobId: string): ClientRecordsChanged[] {
    return this.records.filter((e) => e.data.jobId === jobId).map((e) => e.data);
  }

  /**
   * Waits until every job has a result and, when that result reports changes, every chunk of its records:
   * results and records travel on different topics, and Kafka orders nothing across topics, so a result can be
   * consumed before the records its connector committed with it.
   */
  async waitForResults(jobIds: readonly string[], timeoutMs = 120_000): Promise<SyncJobCompleted[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = jobIds.filter((id) => !this.hasResultAndRecords(id));
      if (!missing.length) return jobIds.map((id) => this.resultsOf(id)[0]);
      if (Date.now() > deadline) {
        const noResult = missing.filter((id) => this.resultsOf(id).length === 0);
        throw new Error(
          noResult.length
            ? `no result for ${noResult.length} job(s), e.g. ${noResult[0]}`
            : `records incomplete for ${missing.length} job(s), e.g. ${missing[0]}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private hasResultAndRecords(jobId: string): boolean {
    const [result] = this.resultsOf(jobId);
    if (!result) return false;
    const { added, updated, removed } = result.counts;
    if (added + updated + removed === 0) return true;
    const chunks = this.recordsOf(jobId);
    const count = chunks[0]?.chunk.count;
    return count !== undefined && new Set(chunks.map((c) => c.chunk.index)).size >= count;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}
