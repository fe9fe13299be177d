import type { RuleStatus } from '@practice-sync/contracts';

/** What the server side of a link decides about one of its rules. */
export type RuleDecision = { kind: 'activate' } | { kind: 'reject'; reason: string };

export interface RuleVerdict {
  status: RuleStatus;
  reason: string | null;
}

/**
 * The server side may change its mind at any time, as Tally's server rules can be changed: a proposed rule
 * becomes active or rejected; an active rule may be rejected (it stops moving anything from the next run);
 * a rejected rule may be activated. Deciding what already holds changes nothing (`changed: false`), except
 * that rejecting a rejected rule again replaces its reason. Activating clears the reason.
 */
export function decideRule(current: RuleVerdict, decision: RuleDecision): RuleVerdict & { changed: boolean } {
  const next: RuleVerdict =
    decision.kind === 'activate'
      ? { status: 'active', reason: null }
      : { status: 'rejected', reason: decision.reason };
  const changed = next.status !== current.status || next.reason !== current.reason;
  return { ...next, changed };
}
