import type { Category, Portal, SubjectKind } from '@practice-sync/contracts';

/** The part of a client-master Client the fan-out needs. */
export interface ClientIdentifiers {
  id: string;
  /** Null when the directory does not say (kept on each job as the log's client name). */
  name?: string | null;
  pan: string | null;
  gstins: string[];
  esignClientFileId: string | null;
}

export interface PlannedJob {
  id: string;
  clientId: string;
  clientName: string | null;
  category: Category;
  portal: Portal;
  subject: { kind: SubjectKind; value: string };
  period: string | null;
  /** Set when the client lacks the identifier: the job is stored done/skipped and never dispatched. */
  skipReason: string | null;
}
