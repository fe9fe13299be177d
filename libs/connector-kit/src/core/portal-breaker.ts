import CircuitBreaker from 'opossum';

import type { BreakerState } from './connector-metrics';
import { isPortalError, PortalError } from './portal-error';
import { upstreamLabel, upstreamNamed } from './upstream';

export interface BreakerOptions {
  /** A single portal call slower than this counts as a failure. */
  timeoutMs: number;
  /** Failure percentage (over the rolling window) that opens the circuit. */
  errorThresholdPercentage: number;
  /** How long the circuit stays open before one trial call (half-open). */
  resetTimeoutMs: number;
  /** Calls in the window before the percentage is trusted. */
  volumeThreshold: number;
  /** Window of the failure percentage (default 10 s, in 10 buckets). */
  rollingWindowMs?: number;
  /** Breakers kept at most when keyed per upstream (default 1,000); least recently used go first. */
  maxKeys?: number;
}

type Call = () => Promise<unknown>;

/** Thrown without calling the portal while the circuit is open. */
export class CircuitOpenError extends PortalError {}

/** Only signs that the portal itself is down or slow open the circuit, not "bad OTP" or "not generated". */
export function countsAgainstPortal(error: unknown): boolean {
  return isPortalError(error) && (error.code === 'portal_unavailable' || error.code === 'timeout');
}

function errorCode(error: unknown): unknown {
  return error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
}

/** The key of the one breaker of a connector whose calls all go to one portal. */
export const PORTAL_BREAKER_KEY = 'portal';

/** Breakers kept at most by default (one per books server of a firm with many branches). */
export const DEFAULT_MAX_BREAKERS = 1000;

export type BreakerCounts = Record<BreakerState, number>;

/** What a breaker's change leaves: the worst state of all, how many are in each state, and which one moved. */
export interface BreakerChange {
  key: string;
  state: BreakerState;
  worst: BreakerState;
  counts: BreakerCounts;
}

const SEVERITY: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

interface Keyed {
  breaker: CircuitBreaker<[Call], unknown>;
  state: BreakerState;
}

/**
 * Opossum breakers around upstream calls, one per key: the portal connectors use one key (one breaker for
 * the portal); connector-books one per books server origin, so one offline branch never pauses the others.
 * While a key's circuit is open, its calls fail at once with `portal_unavailable` instead of piling onto an
 * upstream that is down (outage windows near filing deadlines, a branch whose Tally is closed).
 *
 * The keys are bounded (`maxKeys`, least recently used first out, preferring closed breakers), so a firm
 * with thousands of branches cannot grow it without end; an evicted open breaker forgets it was open, and the
 * next call to that upstream starts a fresh window.
 */
export class PortalBreaker {
  private readonly breakers = new Map<string, Keyed>();
  private readonly maxKeys: number;

  constructor(
    private readonly portalName: string,
    private readonly options: BreakerOptions,
    private readonly onChange: (change: BreakerChange) => void = () => undefined,
  ) {
    this.maxKeys = Math.max(1, options.maxKeys ?? DEFAULT_MAX_BREAKERS);
  }

  /** The worst state over every key (closed when there is none). */
  get state(): BreakerState {
    let worst: BreakerState = 'closed';
    for (const b of this.breakers.values()) if (SEVERITY[b.state] > SEVERITY[worst]) worst = b.state;
    return worst;
  }

  stateOf(key: string): BreakerState {
    return this.breakers.get(key)?.state ?? 'closed';
  }

  /** How many breakers are kept (at most `maxKeys`). */
  get size(): number {
    return this.breakers.size;
  }

  counts(): BreakerCounts {
    const counts: BreakerCounts = { closed: 0, half_open: 0, open: 0 };
    for (const b of this.breakers.values()) counts[b.state] += 1;
    return counts;
  }

  /** Runs a call behind the breaker of `key` (the portal connectors: the one key). */
  async run<T>(call: () => Promise<T>, key: string = PORTAL_BREAKER_KEY): Promise<T> {
    try {
      return (await this.breakerFor(key).fire(call)) as T;
    } catch (error) {
      const code = errorCode(error);
      // Per origin (connector-books), the key is the server's origin: messages name it by its host.
      const upstream = upstreamNamed(this.portalName);
      const target = key === PORTAL_BREAKER_KEY ? upstream.name : upstreamLabel(upstream, key);
      if (code === 'EOPENBREAKER') {
        throw new CircuitOpenError(
          'portal_unavailable',
          `${target} is failing, so calls are paused for up to ${Math.round(this.options.resetTimeoutMs / 1000)} s (circuit open); the job will be retried`,
          { cause: error },
        );
      }
      if (code === 'ETIMEDOUT' && !isPortalError(error)) {
        throw new PortalError(
          'timeout',
          `${target} did not answer within ${Math.round(this.options.timeoutMs / 1000)} s`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  shutdown(): void {
    for (const b of this.breakers.values()) b.breaker.shutdown();
    this.breakers.clear();
  }

  private breakerFor(key: string): CircuitBreaker<[Call], unknown> {
    const found = this.breakers.get(key);
    if (found) {
      // Most recently used last: Map keeps insertion order.
      this.breakers.delete(key);
      this.breakers.set(key, found);
      return found.breaker;
    }
    if (this.breakers.size >= this.maxKeys) this.evict();
    const keyed: Keyed = { breaker: this.create(key), state: 'closed' };
    this.breakers.set(key, keyed);
    return keyed.breaker;
  }

  /** Drops the least recently used closed breaker, or the least recently used one if none is closed. */
  private evict(): void {
    let victim: string | undefined;
    for (const [key, b] of this.breakers) {
      if (b.state === 'closed') {
        victim = key;
        break;
      }
    }
    victim ??= this.breakers.keys().next().value;
    if (victim === undefined) return;
    const evicted = this.breakers.get(victim);
    this.breakers.delete(victim);
    evicted?.breaker.shutdown();
    if (evicted && evicted.state !== 'closed') this.report(victim, 'closed');
  }

  private create(key: string): CircuitBreaker<[Call], unknown> {
    const options = this.options;
    const breaker = new CircuitBreaker<[Call], unknown>((call: Call) => call(), {
      timeout: options.timeoutMs,
      errorThresholdPercentage: options.errorThresholdPercentage,
      resetTimeout: options.resetTimeoutMs,
      volumeThreshold: options.volumeThreshold,
      rollingCountTimeout: options.rollingWindowMs ?? 10_000,
      rollingCountBuckets: 10,
      errorFilter: (error: unknown) => !countsAgainstPortal(error),
    });
    const set = (state: BreakerState) => () => {
      const keyed = this.breakers.get(key);
      // A breaker evicted meanwhile no longer counts.
      if (!keyed || keyed.breaker !== breaker) return;
      keyed.state = state;
      this.report(key, state);
    };
    breaker.on('open', set('open'));
    breaker.on('halfOpen', set('half_open'));
    breaker.on('close', set('closed'));
    return breaker;
  }

  private report(key: string, state: BreakerState): void {
    this.onChange({ key, state, worst: this.state, counts: this.counts() });
  }
}
