import type { BooksCategory, BooksJobCompleted, JobOutcome, LinkState } from '@practice-sync/contracts';
import { booksClassOf } from '@practice-sync/contracts';

import type { LinkJobPhase } from './branch-link-job.entity';

/** What the job events tell about one class of a link (a `branch_link_jobs` row). */
export interface ClassJob {
  category: BooksCategory;
  jobId: string;
  attempt: number;
  phase: LinkJobPhase;
  /** The request's `occurredAt` or the result's `finishedAt`. */
  at: Date;
  outcome: JobOutcome | null;
  error: string | null;
  finishedAt: Date | null;
}

/** A job event, reduced to what orders it against the others of its link and class. */
export interface JobEvent {
  jobId: string;
  attempt: number;
  phase: LinkJobPhase;
  at: Date;
}

/** Outcomes of a sync that happened (the books were read; a partial one moved all but the refused objects). */
const SYNCED = new Set<JobOutcome>(['succeeded', 'no_change', 'no_data', 'partial']);

export function isSynced(outcome: JobOutcome): boolean {
  return SYNCED.has(outcome);
}

/**
 * Whether an event is newer than what the class already holds. Within one job, attempts order it (and a
 * result comes after its own request), whatever the clocks say; between jobs (runs), the event times do. So
 * a redelivered event, an earlier attempt's late result or a request delivered after its result change
 * nothing.
 */
export function isNewer(current: ClassJob | null, event: JobEvent): boolean {
  if (!current) return true;
  if (current.jobId === event.jobId) {
    if (event.attempt !== current.attempt) return event.attempt > current.attempt;
    return event.phase === 'completed' && current.phase === 'requested';
  }
  return event.at.getTime() > current.at.getTime();
}

/** The class row after a newer event (the last completed outcome is kept while a new attempt is in flight). */
export function nextClassJob(
  current: ClassJob | null,
  category: BooksCategory,
  event: JobEvent,
  result: BooksJobCompleted | null,
): ClassJob {
  const base: ClassJob = {
    category,
    jobId: event.jobId,
    attempt: event.attempt,
    phase: event.phase,
    at: event.at,
    outcome: current?.outcome ?? null,
    error: current?.error ?? null,
    finishedAt: current?.finishedAt ?? null,
  };
  // A skipped or cancelled attempt ended without reading the books: it says nothing new about them.
  if (!result || result.outcome === 'skipped' || result.outcome === 'cancelled') return base;
  return {
    ...base,
    outcome: result.outcome,
    error: errorOf(result),
    finishedAt: new Date(result.finishedAt),
  };
}

/** What a failure means for a branch link, in words a person reads before the connector's own message. */
const FAILURE_LEADS: Partial<Record<string, string>> = {
  portal_unavailable: 'a books server did not answer',
  timeout: 'a books server did not answer in time',
  invalid_response: "a books server answered something that is not Tally's XML",
  hold_expired: 'held changes expired before the receiving books took them; a new sync (snapshot) is needed',
};

/**
 * What a person reads about a class's last result, prefixed by its class: a failure's message and code
 * (e.g. the books server did not answer), or how many objects the receiver refused, by code. Null when it
 * synced cleanly.
 */
export function errorOf(result: BooksJobCompleted): string | null {
  const cls = booksClassOf(result.category);
  if (result.outcome === 'failed') {
    const code = result.errorCode ?? 'internal';
    const lead = FAILURE_LEADS[code];
    const message = result.errorMessage ?? 'the job failed';
    return `${cls}: ${lead ? `${lead} (${code}): ${message}` : `${message} (${code})`}`;
  }
  if (result.outcome === 'partial' && result.counts.errors === 0 && result.counts.held > 0) {
    // On-demand, the receiver unreachable: nothing failed; the link reads `offline` with its held changes.
    return null;
  }
  if (result.outcome === 'partial') {
    const refused = result.failedObjects.length || result.counts.errors;
    const byCode = new Map<string, number>();
    for (const o of result.failedObjects) byCode.set(o.errorCode, (byCode.get(o.errorCode) ?? 0) + 1);
    const codes = [...byCode].map(([code, n]) => `${code}: ${n}`).join(', ');
    // Objects altered at both ends wait in the conflict queue (connector-books) until a person resolves them.
    const conflicts = result.counts.conflicts;
    const queued = conflicts
      ? `${conflicts} object${conflicts === 1 ? '' : 's'} altered at both ends wait${conflicts === 1 ? 's' : ''} in the conflict queue until resolved`
      : '';
    if (!refused && queued) return `${cls}: ${queued}`;
    return `${cls}: ${refused} object${refused === 1 ? '' : 's'} refused by the receiving books${codes ? ` (${codes})` : ''}; they are tried again next sync${queued ? `; ${queued}` : ''}`;
  }
  return null;
}

/**
 * The link's state from its classes: `syncing` while a job of either class is in flight, else `failed` when
 * a class's last result failed, else `offline` while it has held changes (on-demand, the receiver
 * unreachable), else `online`. The error lists every class's (failures first), so a link that is syncing
 * again still says why it failed last time.
 */
export function linkStatus(
  classes: ClassJob[],
  heldCount = 0,
): { state: LinkState; error: string | null } | null {
  if (classes.length === 0) return null;
  const failed = classes.filter((c) => c.outcome === 'failed');
  const errors = [...failed, ...classes.filter((c) => c.outcome !== 'failed')]
    .map((c) => c.error)
    .filter((e): e is string => e !== null);
  const state: LinkState = classes.some((c) => c.phase === 'requested')
    ? 'syncing'
    : failed.length > 0
      ? 'failed'
      : heldCount > 0
        ? 'offline'
        : 'online';
  return { state, error: errors.length > 0 ? errors.join('; ') : null };
}
