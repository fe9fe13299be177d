import type { Category, Portal, Subject } from '@practice-sync/contracts';

import type { PortalError } from './portal-error';
import type { FetchedTaxpayer } from './taxpayer-outcomes';

/** One job attempt as a fetcher sees it (the recorded SyncJobRequested plus its envelope context). */
export interface ConnectorJob {
  jobId: string;
  attempt: number;
  runId: string;
  clientId: string;
  firmId: string;
  category: Category;
  subject: Subject;
  period: string | null;
}

/** A record normalised from a portal answer; `hash` is the sha256 of the canonical JSON of `data`. */
export interface NormalisedRecord {
  naturalKey: string;
  data: Record<string, unknown>;
  hash: string;
}

/**
 * One part of a category made of several independent portal documents (AIS, TIS and Form 26AS). Every natural
 * key of the part starts with `keyPrefix`, so the records a failed part held before are kept as they were.
 */
export interface FetchPart {
  name: string;
  keyPrefix: string;
  /** Null when the part was fetched completely. */
  error: PortalError | null;
}

/**
 * Everything a fetch of one category found. An empty list (with no failed part) means "the portal says: no
 * data". `parts` is set by fetchers of multi-part categories only: the records are then those of the fetched
 * parts, and a failed part makes the job `partial` (its stored records untouched) instead of failing the rest.
 */
export interface FetchResult {
  records: NormalisedRecord[];
  parts?: FetchPart[];
  /** When nothing was found: what the portal said, for the run log (e.g. "the GST portal answered RET11416 …"). */
  noDataReason?: string;
  /** e-sign: each taxpayer of the client file, so the result can say per taxpayer what the sync did. */
  taxpayers?: FetchedTaxpayer[];
}

/**
 * Fetches one category for one job. Implementations fetch every page, normalise, and either resolve with the
 * complete result or throw a PortalError; a partial or failed listing must never resolve as "no data".
 */
export interface PortalFetcher {
  readonly category: Category;
  fetch(job: ConnectorJob, signal: AbortSignal): Promise<FetchResult>;
}

export interface ConnectorIdentity {
  portal: Portal;
  /** `connector-gst`…: the service name, also the consumer-group prefix. */
  service: string;
}
