/** What the e2e specs read of sync runs and jobs (the public shapes, as far as the specs look at them). */
import { gstinOfPan } from '@practice-sync/testing';

export interface Run {
  id: string;
  status: string;
  totals: Record<string, number>;
  finishedAt: string | null;
}

export interface Job {
  id: string;
  clientId: string;
  category: string;
  subject: { kind: string; value: string | null };
  period: string | null;
  outcome: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  counts: { added: number; updated: number; removed: number; unchanged: number };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The first GSTIN (Maharashtra, entity 1) of a PAN, with its check character. */
export const gstinFor = gstinOfPan;
