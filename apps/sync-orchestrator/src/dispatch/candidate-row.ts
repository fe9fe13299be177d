import type { BooksJobSnapshot, JobCategory, JobPortal, JobSubjectKind } from '../runs/job-kind';

/** A pending job the dispatch pass may send, with its portal (`books` for a branch sync job). */
export interface CandidateRow {
  id: string;
  run_id: string;
  firm_id: string;
  /** Null for a branch sync job. */
  client_id: string | null;
  category: JobCategory;
  subject_kind: JobSubjectKind;
  subject_value: string;
  period: string | null;
  /** A branch sync job's link and what its dispatch sends (null for a client's job). */
  link_id: string | null;
  books: BooksJobSnapshot | null;
  portal: JobPortal;
}
