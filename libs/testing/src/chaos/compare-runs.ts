/**
 * A finished run as the firm sees it, keyed by what does not depend on ids or timing, so a clean run and a
 * faulted run of the same bucket (another firm with the same clients) can be compared entry by entry.
 * Each aspect maps a key to the list of values found under it: more than one value is a duplicate.
 */
export interface RunSnapshot {
  /** The run's status, or null when no run exists (its creation was lost). */
  status: string | null;
  /** Runs the firm has (1 for one run; 2 when a retried creation started a second run). */
  runs: number;
  /**
   * Whether the client got the run's id from `POST /v1/sync-runs`. A run created whose id never came back
   * (the client cannot follow or cancel it, and a new key would start another) counts as one lost entry.
   */
  answered: boolean;
  /** Jobs by `client|category|subject|period` → `outcome errorCode +added ~updated -removed =unchanged`. */
  jobs: Record<string, string[]>;
  /** Records by `client|category|subject|period|naturalKey` → `hash vN [removed]`. */
  records: Record<string, string[]>;
  /** Change-feed entries by `client|category|subject|period|naturalKey|change` (one value per entry). */
  feed: Record<string, string[]>;
  /** Status-grid cells by `client|category|subject|period` → `lastOutcome lastErrorCode`. */
  grid: Record<string, string[]>;
  /**
   * Events for other systems by cell (when the event is about one, else `-|-|-|-`), type and content (ids and
   * instants masked), one value per distinct event id.
   */
  events: Record<string, string[]>;
}

/** The cell of the run's own events (its totals follow from every job's outcome). */
export const RUN_CELL = 'run|-|-|-';

/** Every aspect's key starts with its cell, `client|category|subject|period`. */
export function cellOfKey(key: string): string {
  return key.split('|').slice(0, 4).join('|');
}

export const ASPECTS = ['jobs', 'records', 'feed', 'grid', 'events'] as const;
export type Aspect = (typeof ASPECTS)[number];

/** Outcomes that mean a job is not finished. */
const OPEN_OUTCOMES = new Set(['null', 'pending', 'running']);

export interface AspectDiff {
  /** Entries the clean run has and the faulted one lacks (counted per entry). */
  lost: number;
  /** Entries the faulted run has more often than the clean one, or that the clean one never had. */
  duplicated: number;
  /** Keys present once in both whose value differs (e.g. another outcome or record version). */
  differs: number;
}

export interface RunComparison {
  lost: number;
  duplicated: number;
  /** Jobs of the faulted run not finished when it was read (plus all of them when the run never finished). */
  stuck: number;
  differs: number;
  /**
   * Records, feed entries, grid cells and events that differ only because their job ended otherwise (e.g. failed
   * during a portal outage, as the job says): not silent losses, so not counted above.
   */
  explained: number;
  byAspect: Record<Aspect, AspectDiff>;
  /** The first differences, for a reader: `aspect key: clean [...] ≠ faulted [...]`. */
  examples: string[];
}

function compareAspect(
  aspect: Aspect,
  clean: Record<string, string[]>,
  faulted: Record<string, string[]>,
  examples: string[],
  isStuck: (values: string[]) => boolean,
  explainedCells: ReadonlySet<string>,
): AspectDiff & { stuck: number; explained: number; differingCells: Set<string> } {
  const diff = {
    lost: 0,
    duplicated: 0,
    differs: 0,
    stuck: 0,
    explained: 0,
    differingCells: new Set<string>(),
  };
  const keys = new Set([...Object.keys(clean), ...Object.keys(faulted)]);
  for (const key of [...keys].sort()) {
    const want = clean[key] ?? [];
    const got = faulted[key] ?? [];
    if (explainedCells.has(cellOfKey(key))) {
      if ([...want].sort().join('\n') !== [...got].sort().join('\n')) diff.explained += 1;
      continue;
    }
    const before = diff.lost + diff.duplicated + diff.differs + diff.stuck;
    if (got.length && isStuck(got)) {
      diff.stuck += 1;
    } else if (got.length < want.length) {
      diff.lost += want.length - got.length;
    } else if (got.length > want.length) {
      diff.duplicated += got.length - want.length;
    } else if ([...want].sort().join('\n') !== [...got].sort().join('\n')) {
      diff.differs += 1;
      diff.differingCells.add(cellOfKey(key));
    }
    if (diff.lost + diff.duplicated + diff.differs + diff.stuck > before && examples.length < 12) {
      examples.push(`${aspect} ${key}: clean ${JSON.stringify(want)} ≠ faulted ${JSON.stringify(got)}`);
    }
  }
  return diff;
}

/**
 * Compares a faulted run with a clean one. Lost and duplicated are counted per entry across jobs, records,
 * the change feed, the status grid and events; a job still open (pending/running) counts as stuck, not lost.
 */
export function compareRuns(clean: RunSnapshot, faulted: RunSnapshot): RunComparison {
  const examples: string[] = [];
  const byAspect = {} as Record<Aspect, AspectDiff>;
  let stuck = 0;
  let explained = 0;
  // Cells whose job ended otherwise: what else differs in them follows from that (and the job says so).
  let explainedCells = new Set<string>();
  for (const aspect of ASPECTS) {
    const isStuck = (values: string[]) =>
      aspect === 'jobs' && values.some((v) => OPEN_OUTCOMES.has(v.split(' ')[0]));
    const result = compareAspect(aspect, clean[aspect], faulted[aspect], examples, isStuck, explainedCells);
    const { stuck: s, explained: e, differingCells, ...diff } = result;
    byAspect[aspect] = diff;
    stuck += s;
    explained += e;
    if (aspect === 'jobs') {
      explainedCells = differingCells;
      // Jobs that ended otherwise change the run's totals too.
      if (differingCells.size) explainedCells.add(RUN_CELL);
    }
  }
  const sum = (k: keyof AspectDiff) => ASPECTS.reduce((n, a) => n + byAspect[a][k], 0);
  let lost = sum('lost');
  let duplicated = sum('duplicated');
  if (faulted.status !== null && !['completed', 'cancelled', 'failed'].includes(faulted.status)) {
    examples.unshift(`run: status ${faulted.status} when read`);
  }
  if (faulted.status === null) examples.unshift('run: none was created');
  if (faulted.runs > clean.runs) {
    duplicated += faulted.runs - clean.runs;
    examples.unshift(`run: the firm has ${faulted.runs} runs where the clean firm has ${clean.runs}`);
  }
  if (faulted.status !== null && !faulted.answered && clean.answered) {
    lost += 1;
    examples.unshift('run: created, but POST /v1/sync-runs never answered its id');
  }
  return { lost, duplicated, stuck, differs: sum('differs'), explained, byAspect, examples };
}

/** Masks what differs between two firms' identical runs: UUIDs and ISO instants. */
export function maskIds(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, '<t>');
}
