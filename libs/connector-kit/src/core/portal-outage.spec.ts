import { CircuitOpenError } from './portal-breaker';
import { PortalError } from './portal-error';
import type { OutageView } from './portal-outage';
import {
  claimAllowance,
  formatDuration,
  PortalOutage,
  verdictAfterFailure,
  verdictBeforeRun,
} from './portal-outage';

const WAIT = 300_000;
const T0 = Date.parse('2026-12-06T10:00:00Z');
const closed: OutageView = { state: 'closed', downSinceMs: null };
const open = (downForMs: number): OutageView => ({ state: 'open', downSinceMs: T0 - downForMs });
const halfOpen = (downForMs: number): OutageView => ({ state: 'half_open', downSinceMs: T0 - downForMs });

describe('claimAllowance', () => {
  it('claims every free slot while the breaker is closed', () => {
    expect(claimAllowance(closed, T0, WAIT, 16, 0)).toBe(16);
    expect(claimAllowance(closed, T0, WAIT, 0, 16)).toBe(0);
  });

  it('claims nothing while the breaker is open and the outage is shorter than the wait', () => {
    expect(claimAllowance(open(1_000), T0, WAIT, 16, 0)).toBe(0);
    expect(claimAllowance(open(WAIT - 1), T0, WAIT, 16, 3)).toBe(0);
  });

  it('claims every free slot once the outage is longer than the wait (the jobs are then failed)', () => {
    expect(claimAllowance(open(WAIT), T0, WAIT, 16, 0)).toBe(16);
  });

  it('claims one job at a time while half-open: its first call is the probe', () => {
    expect(claimAllowance(halfOpen(40_000), T0, WAIT, 16, 0)).toBe(1);
    expect(claimAllowance(halfOpen(40_000), T0, WAIT, 15, 1)).toBe(0);
  });
});

describe('verdictBeforeRun', () => {
  it('runs the job while the breaker is closed or half-open', () => {
    expect(verdictBeforeRun('gst', closed, T0, WAIT)).toEqual({ kind: 'proceed' });
    expect(verdictBeforeRun('gst', halfOpen(40_000), T0, WAIT)).toEqual({ kind: 'proceed' });
  });

  it('holds the job while the breaker is open, within the wait', () => {
    expect(verdictBeforeRun('gst', open(12_000), T0, WAIT)).toEqual({ kind: 'wait', downForMs: 12_000 });
  });

  it('gives up past the wait, saying how long the portal has been down and what picks the job up', () => {
    const verdict = verdictBeforeRun('gst', open(WAIT + 5_000), T0, WAIT);
    expect(verdict.kind).toBe('give_up');
    if (verdict.kind !== 'give_up') return;
    expect(verdict.error.code).toBe('portal_unavailable');
    expect(verdict.error.retryable).toBe(true);
    expect(verdict.error.message).toBe(
      'the GST portal has been down for 5 min 05 s (calls failing since 09:54:55 UTC), longer than jobs wait ' +
        'for it (5 min 00 s, PORTAL_OUTAGE_WAIT_MS). Retrying the run\'s failed jobs ("Retry failed") picks the ' +
        'job up once the portal is back',
    );
  });
});

describe('verdictAfterFailure', () => {
  const down = new PortalError('portal_unavailable', 'connection reset');
  const refused = new CircuitOpenError('portal_unavailable', 'circuit open');
  const slow = new PortalError('timeout', 'no answer in 15 s');

  it('holds a job whose call found the portal down while the breaker is open or half-open', () => {
    expect(verdictAfterFailure('gst', down, open(2_000), T0, WAIT).kind).toBe('wait');
    expect(verdictAfterFailure('gst', refused, halfOpen(31_000), T0, WAIT).kind).toBe('wait');
    expect(verdictAfterFailure('gst', slow, open(2_000), T0, WAIT).kind).toBe('wait');
  });

  it('reports the failure as it is once the breaker closed again (the orchestrator retries it)', () => {
    expect(verdictAfterFailure('gst', down, closed, T0, WAIT)).toEqual({ kind: 'proceed' });
  });

  it('never holds a failure that is the job own (bad credentials, no data yet)', () => {
    const job = new PortalError('auth_failed', 'wrong password');
    expect(verdictAfterFailure('gst', job, open(2_000), T0, WAIT)).toEqual({ kind: 'proceed' });
    expect(verdictAfterFailure('gst', new Error('bug'), open(2_000), T0, WAIT)).toEqual({ kind: 'proceed' });
  });

  it('gives up once the portal has been down longer than the wait', () => {
    expect(verdictAfterFailure('gst', down, open(WAIT), T0, WAIT).kind).toBe('give_up');
  });
});

describe('PortalOutage', () => {
  it('counts the outage from the first opening, through failed probes, until the breaker closes', () => {
    let now = T0;
    const outage = new PortalOutage('gst', WAIT, () => now);
    const resumed: string[] = [];
    outage.onResume(() => resumed.push(outage.view.state));
    outage.moved('open');
    now += 30_000;
    outage.moved('half_open');
    outage.moved('open');
    now += 30_000;
    expect(outage.view).toEqual({ state: 'open', downSinceMs: T0 });
    expect(outage.beforeRun()).toEqual({ kind: 'wait', downForMs: 60_000 });
    expect(outage.allowance(16, 0)).toBe(0);
    outage.moved('half_open');
    expect(outage.allowance(16, 0)).toBe(1);
    outage.moved('closed');
    expect(outage.view).toEqual({ state: 'closed', downSinceMs: null });
    expect(outage.allowance(16, 0)).toBe(16);
    expect(resumed).toEqual(['half_open', 'half_open', 'closed']);
  });
});

describe('formatDuration', () => {
  it('says seconds, or minutes and seconds', () => {
    expect(formatDuration(45_400)).toBe('45 s');
    expect(formatDuration(600_000)).toBe('10 min 00 s');
  });
});
