import type { TopicName } from './topics';
import { Topics } from './topics';

/** The services of practice-sync, named as in their logs and metrics (`service`). */
export const SERVICES = [
  'gateway',
  'sync-orchestrator',
  'client-master',
  'connector-gst',
  'connector-itr',
  'connector-esign',
  'connector-books',
] as const;

export type ServiceName = (typeof SERVICES)[number];

export interface TopicConsumer {
  readonly service: ServiceName;
  /** Its consumer group, before the deployment's prefix; it also writes the topic's DLQ twin. */
  readonly group: string;
}

/** Who writes a topic (through its outbox) and who reads it (through its inbox), inside practice-sync. */
export interface TopicRoles {
  readonly producers: readonly ServiceName[];
  readonly consumers: readonly TopicConsumer[];
  /** Why a side is empty: a topic read only by systems outside practice-sync, or not wired yet. */
  readonly note?: string;
}

const CONNECTORS = ['connector-gst', 'connector-itr', 'connector-esign'] as const;

/**
 * Every topic's producers and consumers, as the code wires them (the outbox writers and the InboxConsumer
 * subscriptions of each app). The AsyncAPI document's operations and DLQ channels are generated from this
 * table: change it with the code that starts or stops sending or reading a topic.
 */
export const TOPIC_ROLES: Readonly<Record<TopicName, TopicRoles>> = {
  [Topics.JobsGst]: {
    producers: ['sync-orchestrator'],
    consumers: [{ service: 'connector-gst', group: 'connector-gst.jobs' }],
  },
  [Topics.JobsItr]: {
    producers: ['sync-orchestrator'],
    consumers: [{ service: 'connector-itr', group: 'connector-itr.jobs' }],
  },
  [Topics.JobsEsign]: {
    producers: ['sync-orchestrator'],
    consumers: [{ service: 'connector-esign', group: 'connector-esign.jobs' }],
  },
  [Topics.JobsBooks]: {
    producers: ['sync-orchestrator'],
    consumers: [
      { service: 'connector-books', group: 'connector-books.jobs' },
      // A link reads `syncing` from the moment its job is sent.
      { service: 'client-master', group: 'client-master.link-state' },
    ],
  },
  [Topics.Results]: {
    producers: [...CONNECTORS],
    consumers: [
      { service: 'sync-orchestrator', group: 'sync-orchestrator.results' },
      { service: 'client-master', group: 'client-master.results' },
    ],
  },
  [Topics.Records]: {
    producers: [...CONNECTORS],
    consumers: [{ service: 'client-master', group: 'client-master.records' }],
  },
  [Topics.Runs]: {
    producers: ['sync-orchestrator'],
    consumers: [],
    note:
      'For systems outside practice-sync. The public run stream (GET /v1/sync-runs/{id}/events) reads the ' +
      'run row, not this topic.',
  },
  [Topics.ClientEvents]: {
    producers: ['client-master'],
    consumers: [],
    note: 'For systems outside practice-sync.',
  },
  [Topics.BooksResults]: {
    producers: ['connector-books'],
    consumers: [
      { service: 'sync-orchestrator', group: 'sync-orchestrator.results' },
      { service: 'client-master', group: 'client-master.link-state' },
    ],
  },
  [Topics.BooksChanges]: {
    producers: ['connector-books'],
    consumers: [],
    note: 'For systems outside practice-sync.',
  },
  [Topics.BooksLinks]: {
    producers: ['client-master'],
    consumers: [],
    note: 'For systems outside practice-sync: links created, rules proposed/activated/rejected, state changes.',
  },
};
