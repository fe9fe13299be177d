/** A client's change feed (`GET /v1/clients/{id}/changes`) as staff read it: one line per sync of a category. */
import type { ClientChange } from './api';

export interface ChangeGroup {
  key: string;
  at: string;
  category: string;
  subject: string;
  period: string | null;
  counts: Record<ClientChange['change'], number>;
  items: ClientChange[];
}

/** Changes of one sync of one category, identifier and period together: a first sync adds hundreds at once. */
export function groupChanges(items: readonly ClientChange[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const c of items) {
    const key = `${c.runId}|${c.category}|${c.subject.value}|${c.period ?? ''}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        at: c.at,
        category: c.category,
        subject: c.subject.value,
        period: c.period,
        counts: { added: 0, updated: 0, removed: 0 },
        items: [],
      };
      groups.set(key, g);
    }
    g.counts[c.change] += 1;
    g.items.push(c);
  }
  return [...groups.values()];
}
