import type { BreakerState } from './connector-metrics';
import { countsAgainstPortal } from './portal-breaker';
import { PortalError } from './portal-error';
import { upstreamNamed } from './upstream';

/** How the portal's breaker stands and since when the portal has been down (null while it is closed). */
export interface OutageView {
  state: BreakerState;
  /** When the breaker opened after last being closed (a failed half-open probe does not restart it). */
  downSinceMs: number | null;
}

/**
 * What to do with a job because of the portal's breaker:
 * - `proceed`: run it (or, after a failure, report the failure as it is);
 * - `wait`: hand it back to the queue without spending an attempt, to run once the portal is back;
 * - `give_up`: the portal has been down longer than the jobs wait for it: fail it with `error`.
 */
export type OutageVerdict =
  | { kind: 'proceed' }
  | { kind: 'wait'; downForMs: number }
  | { kind: 'give_up'; downForMs: number; error: PortalError };

/** "4 min 05 s", "45 s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  if (minutes === 0) return `${seconds} s`;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** The failure of a job that waited for the portal longer than `waitMs`: how long it is down, and what to do. */
export function outageError(
  portalName: string,
  view: OutageView,
  nowMs: number,
  waitMs: number,
): PortalError {
  const since = new Date(view.downSinceMs ?? nowMs).toISOString().slice(11, 19);
  return new PortalError(
    'portal_unavailable',
    `${upstreamNamed(portalName).name} has been down for ${formatDuration(nowMs - (view.downSinceMs ?? nowMs))} ` +
      `(calls failing since ${since} UTC), longer than jobs wait for it (${formatDuration(waitMs)}, ` +
      `PORTAL_OUTAGE_WAIT_MS). Retrying the run's failed jobs ("Retry failed") picks the job up once the ` +
      `portal is back`,
    { retryable: true },
  );
}

function waitOrGiveUp(
  portalName: string,
  view: OutageView,
  nowMs: number,
  waitMs: number,
): Exclude<OutageVerdict, { kind: 'proceed' }> {
  const downForMs = nowMs - (view.downSinceMs ?? nowMs);
  if (downForMs >= waitMs) {
    return { kind: 'give_up', downForMs, error: outageError(portalName, view, nowMs, waitMs) };
  }
  return { kind: 'wait', downForMs };
}

/**
 * Before a claimed job calls the portal: with the breaker open, its calls would only be refused, so it waits
 * (or gives up past `waitMs`). Half-open, the job goes on: its first call is the breaker's probe.
 */
export function verdictBeforeRun(
  portalName: string,
  view: OutageView,
  nowMs: number,
  waitMs: number,
): OutageVerdict {
  if (view.state !== 'open') return { kind: 'proceed' };
  return waitOrGiveUp(portalName, view, nowMs, waitMs);
}

/**
 * After a job's attempt failed (or a part of it did): a failure that is the portal being down or slow, while
 * the breaker is not closed, is the outage's and not the job's — the job waits for the portal. Any other
 * failure, or one while the breaker is closed again, is reported as it is (the orchestrator retries it).
 */
export function verdictAfterFailure(
  portalName: string,
  error: unknown,
  view: OutageView,
  nowMs: number,
  waitMs: number,
): OutageVerdict {
  if (!countsAgainstPortal(error) || view.state === 'closed') return { kind: 'proceed' };
  return waitOrGiveUp(portalName, view, nowMs, waitMs);
}

/**
 * How many jobs the worker pool may claim now, with `free` slots and `inFlight` jobs running:
 * - closed: every free slot;
 * - half-open: one job at a time (its first call is the probe; the others would be refused meanwhile);
 * - open: none while the outage is shorter than `waitMs` (the jobs stay queued, their attempts unspent); past
 *   it, every free slot, so the waiting jobs are claimed and failed with the outage's message.
 */
export function claimAllowance(
  view: OutageView,
  nowMs: number,
  waitMs: number,
  free: number,
  inFlight: number,
): number {
  if (free <= 0) return 0;
  if (view.state === 'closed') return free;
  if (view.state === 'half_open') return inFlight === 0 ? 1 : 0;
  const downForMs = nowMs - (view.downSinceMs ?? nowMs);
  return downForMs >= waitMs ? free : 0;
}

/**
 * The portal's outage as the connector's job intake sees it: fed by the breaker of the portal (the one key of a
 * portal connector; connectors with a breaker per upstream, connector-books, are not held), it says whether
 * jobs may be claimed, whether a claimed job waits, and wakes the pool when the breaker half-opens or closes.
 */
export class PortalOutage {
  private current: OutageView = { state: 'closed', downSinceMs: null };
  private readonly listeners: (() => void)[] = [];

  constructor(
    readonly portalName: string,
    /** How long jobs wait for a portal that is down before they fail (PORTAL_OUTAGE_WAIT_MS). */
    readonly waitMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get view(): OutageView {
    return this.current;
  }

  /** The breaker of the portal moved. */
  moved(state: BreakerState): void {
    const downSinceMs = state === 'closed' ? null : (this.current.downSinceMs ?? this.now());
    this.current = { state, downSinceMs };
    if (state !== 'open') for (const listener of this.listeners) listener();
  }

  /** Called when the breaker half-opens or closes (the pool claims again). */
  onResume(listener: () => void): void {
    this.listeners.push(listener);
  }

  beforeRun(): OutageVerdict {
    return verdictBeforeRun(this.portalName, this.current, this.now(), this.waitMs);
  }

  afterFailure(error: unknown): OutageVerdict {
    return verdictAfterFailure(this.portalName, error, this.current, this.now(), this.waitMs);
  }

  allowance(free: number, inFlight: number): number {
    return claimAllowance(this.current, this.now(), this.waitMs, free, inFlight);
  }
}
