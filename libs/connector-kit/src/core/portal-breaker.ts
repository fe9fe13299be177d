import CircuitBreaker from 'opossum';

import type { BreakerState } from './connector-metrics';
import { isPortalError, PortalError } from './portal-error';

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

/**
 * One opossum breaker per connector around every portal call. While it is open, calls fail at once with
 * `portal_unavailable` instead of piling onto a portal that is down (outage windows near filing deadlines).
 */
export class PortalBreaker {
  private readonly breaker: CircuitBreaker<[Call], unknown>;
  private current: BreakerState = 'closed';

  constructor(
    private readonly portalName: string,
    private readonly options: BreakerOptions,
    onState: (state: BreakerState) => void = () => undefined,
  ) {
    this.breaker = new CircuitBreaker<[Call], unknown>((call: Call) => call(), {
      timeout: options.timeoutMs,
      errorThresholdPercentage: options.errorThresholdPercentage,
      resetTimeout: options.resetTimeoutMs,
      volumeThreshold: options.volumeThreshold,
      rollingCountTimeout: options.rollingWindowMs ?? 10_000,
      rollingCountBuckets: 10,
      errorFilter: (error: unknown) => !countsAgainstPortal(error),
    });
    const set = (state: BreakerState) => () => {
      this.current = state;
      onState(state);
    };
    this.breaker.on('open', set('open'));
    this.breaker.on('halfOpen', set('half_open'));
    this.breaker.on('close', set('closed'));
  }

  get state(): BreakerState {
    return this.current;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return (await this.breaker.fire(call)) as T;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EOPENBREAKER') {
        throw new CircuitOpenError(
          'portal_unavailable',
          `the ${this.portalName} portal is failing, so calls are paused for up to ${Math.round(this.options.resetTimeoutMs / 1000)} s (circuit open); the job will be retried`,
          { cause: error },
        );
      }
      if (code === 'ETIMEDOUT' && !isPortalError(error)) {
        throw new PortalError(
          'timeout',
          `the ${this.portalName} portal did not answer within ${Math.round(this.options.timeoutMs / 1000)} s`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  shutdown(): void {
    this.breaker.shutdown();
  }
}
