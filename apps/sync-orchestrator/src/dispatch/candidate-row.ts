import type { Category, Portal, SubjectKind } from '@practice-sync/contracts';

/** A pending job the dispatch pass may send, with its portal. */
export interface CandidateRow {
  id: string;
  run_id: string;
  firm_id: string;
  client_id: string;
  category: Category;
  subject_kind: SubjectKind;
  subject_value: string;
  period: string | null;
  portal: Portal;
}
