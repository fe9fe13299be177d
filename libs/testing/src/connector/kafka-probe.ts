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

/** Bytes of keys, values and headers per `publishJobs` send: a quarter of the broker's 1 MB message size. */
const PUBLISH_BATCH_BYTES = 256 * 1024;

interface Sized {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Consecutive runs of `messages` of at most `maxBytes` each (UTF-8); a larger message goes alone. */
export function batchesOf<T extends Sized>(messages: readonly T[], maxBytes: number): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const m of messages) {
    let size = Buffer.byteLength(m.key) + Buffer.byteLength(m.value);
    for (const [name, value] of Object.entries(m.headers)) size += Buffer.byteLength(name + value);
    if (batch.length > 0 && bytes + size > maxBytes) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(m);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * A test's view of Kafka around one connector: publishes SyncJobRequested like the orchestrator does and
 * collects every SyncJobCompleted and ClientRecordsChanged (duplicates included, to prove there are none).
 */
export class KafkaProbe {
  readonly results: Envelope<SyncJobCompleted>[] = [];
  readonly records: Envelope<ClientRecordsChanged>[] = [];
  /** The same by job id, so waiting for thousands of jobs (a benchmark's round) does not scan them all. */
  private readonly resultsByJob = new Map<string, SyncJobCompleted[]>();
  private readonly recordsByJob = new Map<string, ClientRecordsChanged[]>();
  private producer!: Producer;
  private consumer!: Consumer;

  private constructor(private readonly prefix: string) {}

  static async start(brokers: string[], prefix: string, groupId: string): Promise<KafkaProbe> {
    const probe = new KafkaProbe(prefix);
    const { producer, consumer } = await openProbeKafka({
      brokers,
      prefix,
      groupId,
      topics: [Topics.Results, Topics.Records, Topics.JobsGst, Topics.JobsItr, Topics.JobsEsign],
      consumed: [Topics.Results, Topics.Records],
      onEnvelope: (topic, envelope) => {
        if (topic === Topics.Results) probe.addResult(envelope as Envelope<SyncJobCompleted>);
        else probe.addRecords(envelope as Envelope<ClientRecordsChanged>);
      },
    });
    probe.producer = producer;
    probe.consumer = consumer;
    return probe;
  }

  private addResult(envelope: Envelope<SyncJobCompleted>): void {
    this.results.push(envelope);
    const list = this.resultsByJob.get(envelope.data.jobId);
    if (list) list.push(envelope.data);
    else this.resultsByJob.set(envelope.data.jobId, [envelope.data]);
  }

  private addRecords(envelope: Envelope<ClientRecordsChanged>): void {
    this.records.push(envelope);
    const list = this.recordsByJob.get(envelope.data.jobId);
    if (list) list.push(envelope.data);
    else this.recordsByJob.set(envelope.data.jobId, [envelope.data]);
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
    // In batches well under the broker's message size (1 MB): kafkajs sends one record batch per partition,
    // and thousands of jobs at once (a benchmark's round) would go over it.
    for (const batch of batchesOf(messages, PUBLISH_BATCH_BYTES)) {
      await this.producer.send({
        topic: `${this.prefix}${jobsTopicOf(portal)}`,
        messages: batch.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      });
    }
  }

  resultsOf(jobId: string): SyncJobCompleted[] {
    return [...(this.resultsByJob.get(jobId) ?? [])];
  }

  recordsOf(jobId: string): ClientRecordsChanged[] {
    return [...(this.recordsByJob.get(jobId) ?? [])];
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
