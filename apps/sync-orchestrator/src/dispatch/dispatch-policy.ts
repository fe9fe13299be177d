import type { JobPortal as Portal } from '../runs/job-kind';

/** Dispatch candidates of one run for one portal family, oldest first. */
export interface CandidateGroup<J> {
  runId: string;
  firmId: string;
  portal: Portal;
  jobs: J[];
}

export interface InFlight {
  /** Dispatched-but-unfinished jobs per `${firmId}|${portal}`. */
  byFirmPortal: Map<string, number>;
  /** … per portal family, every firm. */
  byPortal: Map<Portal, number>;
  /** … per `${runId}|${portal}`: the fairness key between runs. */
  byRunPortal: Map<string, number>;
}

export interface DispatchCaps {
  firmPortal: number;
  portal: number;
}

const firmKey = (g: { firmId: string; portal: Portal }) => `${g.firmId}|${g.portal}`;
const runKey = (g: { runId: string; portal: Portal }) => `${g.runId}|${g.portal}`;

/**
 * Which candidates to dispatch now. Every slot goes to the eligible group (run × portal) with the fewest
 * jobs in flight, so a 10-client run started during a 5,000-client run gets its share at once instead of
 * queueing behind it; a firm never exceeds `caps.firmPortal` per portal and a portal never `caps.portal`.
 */
export function allocate<J>(
  groups: readonly CandidateGroup<J>[],
  inFlight: InFlight,
  caps: DispatchCaps,
): J[] {
  const firm = new Map(inFlight.byFirmPortal);
  const portal = new Map(inFlight.byPortal);
  const run = new Map(inFlight.byRunPortal);
  const next = groups.map(() => 0);
  const chosen: J[] = [];
  for (;;) {
    let best = -1;
    let bestLoad = Infinity;
    groups.forEach((g, i) => {
      if (next[i] >= g.jobs.length) return;
      if ((firm.get(firmKey(g)) ?? 0) >= caps.firmPortal) return;
      if ((portal.get(g.portal) ?? 0) >= caps.portal) return;
      const load = run.get(runKey(g)) ?? 0;
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    });
    if (best < 0) return chosen;
    const g = groups[best];
    chosen.push(g.jobs[next[best]]);
    next[best] += 1;
    firm.set(firmKey(g), (firm.get(firmKey(g)) ?? 0) + 1);
    portal.set(g.portal, (portal.get(g.portal) ?? 0) + 1);
    run.set(runKey(g), bestLoad + 1);
  }
}

/** How many candidates a dispatch pass may read, per portal and per firm that already has jobs in flight. */
export interface CandidateLimits {
  /** Portals with a free slot, and how many candidates one run may offer for each (`portalLimit[i]`). */
  portals: Portal[];
  portalLimit: number[];
  /** Firms with jobs in flight: their free slots per portal (`firmFree[i]` for `firms[i]`, `firmPortals[i]`). */
  firms: string[];
  firmPortals: Portal[];
  firmFree: number[];
  /** A firm with nothing in flight on a portal may take this many. */
  idleFirmLimit: number;
}

/**
 * What a pass needs to read: no run can be given more jobs of a portal than its firm's free slots there, nor
 * more than the portal's. A pass after one result reads the one or two candidates it can dispatch, not a full
 * `caps.firmPortal` of them per run that `allocate` would then mostly leave (and re-read on the next pass).
 */
export function candidateLimits(
  portals: readonly Portal[],
  inFlight: InFlight,
  caps: DispatchCaps,
): CandidateLimits {
  const open = portals
    .map((p) => ({ p, free: caps.portal - (inFlight.byPortal.get(p) ?? 0) }))
    .filter((o) => o.free > 0);
  const limits: CandidateLimits = {
    portals: open.map((o) => o.p),
    portalLimit: open.map((o) => Math.min(o.free, caps.firmPortal)),
    firms: [],
    firmPortals: [],
    firmFree: [],
    idleFirmLimit: caps.firmPortal,
  };
  for (const [key, n] of inFlight.byFirmPortal) {
    const cut = key.lastIndexOf('|');
    limits.firms.push(key.slice(0, cut));
    limits.firmPortals.push(key.slice(cut + 1) as Portal);
    limits.firmFree.push(Math.max(0, caps.firmPortal - n));
  }
  return limits;
}

/**
 * The portals the dispatcher may send jobs to now: not one that throttled a job and named a time it allows the
 * next call (Retry-After) still ahead. Its jobs would only come straight back throttled, each spending one of
 * its re-queues, while the portal's budget is spent.
 */
export function openPortals(
  portals: readonly Portal[],
  notBefore: ReadonlyMap<Portal, number>,
  nowMs: number,
): Portal[] {
  return portals.filter((p) => (notBefore.get(p) ?? 0) <= nowMs);
}

/** The attempts a job has spent: its dispatches less the rate-limit deferrals. */
export function spentAttempts(attempt: number, deferrals: number): number {
  return Math.max(1, attempt - deferrals);
}

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/** Exponential back-off before attempt `attempt + 1`, with ±20 % jitter so retries of an outage spread out. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const raw = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

/**
 * The key of "the same data": one active job per firm, client, identifier, category and period across runs.
 * The client is part of it because everything downstream is kept per client (the connectors' snapshots,
 * client-master's records and status grid): two clients that share a GSTIN (or a PAN, after a client was
 * deleted and re-created) each need their own fetch, or the second one's records and grid cell never move.
 */
export function sameDataKey(j: {
  firmId: string;
  /** Null for a link's job, whose link id is its subject value. */
  clientId: string | null;
  category: string;
  subjectValue: string;
  period: string | null;
}): string {
  return `${j.firmId}|${j.clientId ?? ''}|${j.category}|${j.subjectValue}|${j.period ?? ''}`;
}
