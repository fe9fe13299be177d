import type { RecordChange } from '@practice-sync/contracts';
import { ClientRecordsChangedEvent, createEnvelope } from '@practice-sync/contracts';
import type { OutgoingEvent } from '@practice-sync/messaging';

import { jobEventFields } from './job-outcome';
import type { ConnectorJob, NormalisedRecord } from './portal-fetcher';
import { knownJsonBytes } from './record-hash';

/**
 * What a complete fetch added, updated and removed compared with the previous snapshot (natural key → hash).
 * Only called for complete fetches: a fetcher that could not read every page throws instead, so a record is
 * never reported removed because a page was missing.
 */
export function diffRecords(
  previous: ReadonlyMap<string, string> | null,
  records: readonly NormalisedRecord[],
): RecordChange[] {
  const before = previous ?? new Map<string, string>();
  const current = new Map<string, NormalisedRecord>();
  for (const r of records) current.set(r.naturalKey, r);
  const changes: RecordChange[] = [];
  for (const [key, record] of current) {
    const hash = before.get(key);
    if (hash === record.hash) continue;
    changes.push({
      naturalKey: key,
      change: hash === undefined ? 'added' : 'updated',
      hash: record.hash,
      data: record.data,
    });
  }
  for (const key of before.keys()) {
    if (!current.has(key)) changes.push({ naturalKey: key, change: 'removed', hash: null, data: null });
  }
  return changes;
}

/** Room left in a chunk for the envelope and the event's other fields. */
const ENVELOPE_ALLOWANCE_BYTES = 2048;

/**
 * Splits changes into chunks whose serialized size stays under `budgetBytes` (a change larger than the
 * budget on its own travels alone). Order is kept.
 */
export function chunkChanges(changes: readonly RecordChange[], budgetBytes: number): RecordChange[][] {
  const limit = Math.max(1024, budgetBytes - ENVELOPE_ALLOWANCE_BYTES);
  const chunks: RecordChange[][] = [];
  let current: RecordChange[] = [];
  let size = 0;
  for (const change of changes) {
    const bytes = changeBytes(change) + 1;
    if (current.length && size + bytes > limit) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(change);
    size += bytes;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * `Buffer.byteLength(JSON.stringify(change))`, without serialising the record again when hashing already
 * measured it: the change's own fields are serialised with `data: null` and the record's size added.
 */
export function changeBytes(change: RecordChange): number {
  const dataBytes = change.data ? knownJsonBytes(change.data) : undefined;
  if (dataBytes === undefined) return Buffer.byteLength(JSON.stringify(change), 'utf8');
  return Buffer.byteLength(JSON.stringify({ ...change, data: null }), 'utf8') - 'null'.length + dataBytes;
}

/**
 * A job's record changes as `ClientRecordsChangedEvent`s: chunks of at most `chunkBytes` of JSON, numbered, keyed by
 * the job's client (the job runner's finish, and the gst-records bench that times it).
 */
export function recordsChangedEvents(
  job: ConnectorJob,
  changes: readonly RecordChange[],
  chunkBytes: number,
  causationId: string | null,
): OutgoingEvent[] {
  const chunks = chunkChanges(changes, chunkBytes);
  return chunks.map((chunk, index) => ({
    contract: ClientRecordsChangedEvent,
    envelope: createEnvelope(
      ClientRecordsChangedEvent,
      {
        ...jobEventFields(job),
        chunk: { index, count: chunks.length },
        changes: chunk,
      },
      { firmId: job.firmId, correlationId: job.runId, causationId },
    ),
  }));
}
