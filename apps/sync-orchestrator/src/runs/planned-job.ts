import type { BooksJobSnapshot, JobCategory, JobPortal, JobSubjectKind } from './job-kind';

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
  /** Null for a branch sync job, whose subject is `linkId`. */
  clientId: string | null;
  clientName: string | null;
  linkId: string | null;
  /** A branch sync job's link as dispatch sends it; null for a client's job. */
  books: BooksJobSnapshot | null;
  category: JobCategory;
  portal: JobPortal;
  subject: { kind: JobSubjectKind; value: string };
  period: string | null;
  /** Set when the client lacks the identifier (or the link has no active rule for the class): stored done/skipped, never dispatched. */
  skipReason: string | null;
}
