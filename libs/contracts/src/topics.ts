/**
 * Every Kafka topic practice-sync uses, in one place.
 *
 * WARNING: never rename a topic in place. Consumers in other systems subscribe by name; a new shape or a new
 * meaning gets a new versioned topic (`.v2`) published alongside the old one until every consumer has moved.
 */
export const Topics = {
  JobsGst: 'sync.jobs.gst.v1',
  JobsItr: 'sync.jobs.itr.v1',
  JobsEsign: 'sync.jobs.esign.v1',
  /** Branch sync: one job per link and class (books.job.requested). */
  JobsBooks: 'sync.jobs.books.v1',
  Results: 'sync.results.v1',
  Records: 'client.records.v1',
  Runs: 'sync.runs.v1',
  ClientEvents: 'client.events.v1',
  /** Branch-sync job results (books.job.completed); sync.job.completed needs a client and a portal category. */
  BooksResults: 'sync.results.books.v1',
  /** Each applied batch of a branch sync, identities only (books.changes.applied). */
  BooksChanges: 'books.changes.v1',
  /** Branch links' lifecycle for other systems, identities and states only (books.link.changed), key linkId. */
  BooksLinks: 'books.links.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** The dead-letter twin of a consumed topic: messages that could not be decoded, validated or handled. */
export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);
