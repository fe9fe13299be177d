/**
 * What a consumer adds when it gives a message up to its topic's dead-letter twin (`dlqTopicOf`). The message
 * goes there as it was read (same key, same value, its own headers kept) plus these headers. libs/messaging
 * sets exactly these (typed against this map); the AsyncAPI document lists them on every DLQ channel.
 */

/** The values of `x-dlq-reason`. */
export const DLQ_REASONS = {
  decode_error: 'the value is empty or not JSON',
  validation_error: 'the envelope or its data does not match the schema of its type and version',
  unknown_type: 'the consumer has no contract for the envelope type and version',
  handler_failed: 'the handler failed on every attempt (x-dlq-attempts)',
} as const;

export type DlqReason = keyof typeof DLQ_REASONS;

/** Every header a dead-lettered message carries besides its own; all are strings. */
export const DLQ_HEADERS = {
  'x-dlq-reason': 'why it was given up: one of DLQ_REASONS',
  'x-dlq-error': 'the error, at most 1,000 characters',
  'x-dlq-source-topic': "the topic it was read from, as named on the broker (with the deployment's prefix)",
  'x-dlq-source-partition': 'its partition there (decimal)',
  'x-dlq-source-offset': 'its offset there (decimal)',
  'x-dlq-consumer-group': "the consumer group that gave it up (with the deployment's prefix)",
  'x-dlq-attempts': 'how many times the handler ran: 0 when it could not be decoded or validated',
} as const;

export type DlqHeaderName = keyof typeof DLQ_HEADERS;
