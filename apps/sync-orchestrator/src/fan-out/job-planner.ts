import type { Category, SubjectKind } from '@practice-sync/contracts';
import { portalOf, subjectKindOf } from '@practice-sync/contracts';

import type { ClientIdentifiers, PlannedJob } from '../runs/planned-job';
import type { RunPeriods } from '../runs/run-scope';
import { periodFor } from './default-period';

/** Stored as the subject value of a skipped job, so the natural key still holds one row per category. */
export const MISSING_SUBJECT = '';

const MISSING_REASON: Record<SubjectKind, string> = {
  gstin: 'client has no GSTIN; add one to the client to sync GST categories',
  pan: 'client has no PAN; add it to the client to sync Income Tax categories',
  esignClientFileId: 'client has no e-sign client file id; add it to the client to sync e-sign categories',
};

function subjectsOf(client: ClientIdentifiers, kind: SubjectKind): string[] {
  switch (kind) {
    case 'gstin':
      return [...new Set(client.gstins.filter((g) => g.length > 0))];
    case 'pan':
      return client.pan ? [client.pan] : [];
    case 'esignClientFileId':
      return client.esignClientFileId ? [client.esignClientFileId] : [];
  }
}

/**
 * One job per client identifier and category: per GSTIN for GST, per PAN for Income Tax, per client file
 * for e-sign. A client without the identifier gets one skipped job per category saying what is missing.
 */
export function planJobs(
  clients: readonly ClientIdentifiers[],
  categories: readonly Category[],
  periods: RunPeriods,
  newId: () => string,
): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  for (const client of clients) {
    for (const category of categories) {
      const kind = subjectKindOf(category);
      const base = {
        clientId: client.id,
        clientName: client.name ?? null,
        linkId: null,
        books: null,
        category,
        portal: portalOf(category),
        period: periodFor(category, periods),
      };
      const subjects = subjectsOf(client, kind);
      if (subjects.length === 0) {
        jobs.push({
          ...base,
          id: newId(),
          subject: { kind, value: MISSING_SUBJECT },
          skipReason: MISSING_REASON[kind],
        });
        continue;
      }
      for (const value of subjects)
        jobs.push({ ...base, id: newId(), subject: { kind, value }, skipReason: null });
    }
  }
  return jobs;
}
