import type { Category, Portal, Subject } from '@practice-sync/contracts';

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

/** Everything a complete fetch of one category found. An empty list means "the portal says: no data". */
export interface FetchResult {
  records: NormalisedRecord[];
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
