/** Where a user stands with failed sign-ins. */
export interface LockoutState {
  failedSignIns: number;
  lockedUntil: Date | null;
}

export interface LockoutPolicy {
  maxFailures: number;
  lockoutSeconds: number;
}

/** Seconds until a locked user may try again, or 0 when they may try now. */
export function secondsLocked(state: LockoutState, now: Date): number {
  if (!state.lockedUntil) return 0;
  const ms = state.lockedUntil.getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/**
 * The state after one more failed sign-in: the count goes up, and the failure that reaches the limit locks the
 * user for the lock-out period and starts the count again (so the next period needs as many failures again).
 */
export function afterFailure(state: LockoutState, policy: LockoutPolicy, now: Date): LockoutState {
  const failures = state.failedSignIns + 1;
  if (failures >= policy.maxFailures) {
    return { failedSignIns: 0, lockedUntil: new Date(now.getTime() + policy.lockoutSeconds * 1000) };
  }
  return { failedSignIns: failures, lockedUntil: null };
}

/** A success forgets earlier failures. */
export const AFTER_SUCCESS: LockoutState = { failedSignIns: 0, lockedUntil: null };
