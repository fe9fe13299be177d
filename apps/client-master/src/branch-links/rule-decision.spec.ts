import type { RuleStatus } from '@practice-sync/contracts';

import { decideRule } from './rule-decision';

const rule = (status: RuleStatus, reason: string | null = null) => ({ status, reason });

describe('decideRule', () => {
  it('activates a proposed rule and rejects one with the reason given', () => {
    expect(decideRule(rule('proposed'), { kind: 'activate' })).toEqual({
      status: 'active',
      reason: null,
      changed: true,
    });
    expect(decideRule(rule('proposed'), { kind: 'reject', reason: 'HO owns masters' })).toEqual({
      status: 'rejected',
      reason: 'HO owns masters',
      changed: true,
    });
  });

  it('lets the server side change its mind: reject an active rule, activate a rejected one', () => {
    expect(decideRule(rule('active'), { kind: 'reject', reason: 'stop for the audit' })).toMatchObject({
      status: 'rejected',
      reason: 'stop for the audit',
      changed: true,
    });
    expect(decideRule(rule('rejected', 'not now'), { kind: 'activate' })).toEqual({
      status: 'active',
      reason: null,
      changed: true,
    });
  });

  it('changes nothing when the decision already holds, but a new reason replaces the old', () => {
    expect(decideRule(rule('active'), { kind: 'activate' }).changed).toBe(false);
    expect(decideRule(rule('rejected', 'a'), { kind: 'reject', reason: 'a' }).changed).toBe(false);
    expect(decideRule(rule('rejected', 'a'), { kind: 'reject', reason: 'b' })).toEqual({
      status: 'rejected',
      reason: 'b',
      changed: true,
    });
  });
});
