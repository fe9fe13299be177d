/** How the Sync Bucket's filters and ticks become a run's client selection (`POST /v1/sync-runs`). */

export interface Filters {
  q: string;
  tag: string;
  office: string;
}

/** Every client matching the filters (pages not shown included), or the clients ticked by hand. */
export type Picked = { kind: 'matching' } | { kind: 'ids'; ids: readonly string[] };

export type RunSelection = { all: true } | { ids: string[] } | { tags: string[] } | { offices: string[] };

/** The most ids one run accepts (the API's limit). */
export const MAX_IDS = 10_000;

/**
 * The selection to send, or null when "all matching" cannot be said in one selection (a search, or a tag and an
 * office together): then the caller lists the matching ids (`matchingIds`). Never thousands of ids when a
 * tag, an office or "all" says the same.
 */
export function runSelection(filters: Filters, picked: Picked): RunSelection | null {
  if (picked.kind === 'ids') return { ids: [...picked.ids] };
  const q = filters.q.trim();
  const tag = filters.tag.trim();
  const office = filters.office.trim();
  if (q) return null;
  if (tag && office) return null;
  if (tag) return { tags: [tag] };
  if (office) return { offices: [office] };
  return { all: true };
}

/** Categories to send: a portal's alias (`gst.all`) when every category of it is picked. */
export function runCategories(
  picked: ReadonlySet<string>,
  catalogue: ReadonlyArray<{ id: string; portal: string }>,
): string[] {
  const out: string[] = [];
  const portals = [...new Set(catalogue.map((c) => c.portal))];
  for (const portal of portals) {
    const ids = catalogue.filter((c) => c.portal === portal).map((c) => c.id);
    const chosen = ids.filter((id) => picked.has(id));
    const alias = `${portal}.all`;
    if (chosen.length === ids.length && ids.length > 1 && (portal === 'gst' || portal === 'itr'))
      out.push(alias);
    else out.push(...chosen);
  }
  return out;
}

/** Progress in whole percent: finished work over work (skipped jobs are not work). */
export function progressPercent(totals: { work: number; workFinished: number }): number {
  if (totals.work <= 0) return 0;
  return Math.min(100, Math.floor((totals.workFinished * 100) / totals.work));
}
