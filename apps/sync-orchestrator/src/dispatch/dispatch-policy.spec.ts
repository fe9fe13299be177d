import type { Portal } from '@practice-sync/contracts';

import type { CandidateGroup, InFlight } from './dispatch-policy';
import { allocate, backoffMs, candidateLimits, openPortals, sameDataKey } from './dispatch-policy';

const group = (runId: string, firmId: string, portal: Portal, n: number): CandidateGroup<string> => ({
  runId,
  firmId,
  portal,
  jobs: Array.from({ length: n }, (_, i) => `${runId}-${portal}-${i}`),
});
const none = (): InFlight => ({ byFirmPortal: new Map(), byPortal: new Map(), byRunPortal: new Map() });

describe('openPortals', () => {
  it('leaves out a portal until the time its Retry-After named', () => {
    const notBefore = new Map<Portal, number>([['gst', 5_000]]);
    expect(openPortals(['gst', 'itr', 'esign'], notBefore, 4_999)).toEqual(['itr', 'esign']);
    expect(openPortals(['gst', 'itr', 'esign'], notBefore, 5_000)).toEqual(['gst', 'itr', 'esign']);
  });
});

describe('candidateLimits', () => {
  const caps = { firmPortal: 50, portal: 200 };

  it('reads no more of a busy firm than its free slots on that portal', () => {
    const inFlight = none();
    inFlight.byFirmPortal.set('firm-a|itr', 49);
    inFlight.byFirmPortal.set('firm-b|itr', 50);
    inFlight.byFirmPortal.set('firm-a|gst', 3);
    inFlight.byPortal.set('itr', 99);
    inFlight.byPortal.set('gst', 3);
    const limits = candidateLimits(['gst', 'itr', 'esign'], inFlight, caps);
    const free = Object.fromEntries(
      limits.firms.map((f, i) => [`${f}|${limits.firmPortals[i]}`, limits.firmFree[i]]),
    );
    expect(free).toEqual({ 'firm-a|itr': 1, 'firm-b|itr': 0, 'firm-a|gst': 47 });
    expect(limits.idleFirmLimit).toBe(50);
  });

  it('caps every run by the portal’s free slots and leaves out a full portal', () => {
    const inFlight = none();
    inFlight.byPortal.set('gst', 200);
    inFlight.byPortal.set('itr', 190);
    const limits = candidateLimits(['gst', 'itr', 'esign'], inFlight, caps);
    expect(limits.portals).toEqual(['itr', 'esign']);
    expect(limits.portalLimit).toEqual([10, 50]);
  });

  it('keeps a firm id that contains the separator whole', () => {
    const inFlight = none();
    inFlight.byFirmPortal.set('firm|with|bars|esign', 7);
    const limits = candidateLimits(['esign'], inFlight, caps);
    expect(limits.firms).toEqual(['firm|with|bars']);
    expect(limits.firmPortals).toEqual(['esign']);
  });
});

describe('allocate', () => {
  it('never exceeds the per-firm or the per-portal cap', () => {
    const chosen = allocate([group('big', 'f1', 'gst', 500), group('other', 'f2', 'gst', 500)], none(), {
      firmPortal: 10,
      portal: 15,
    });
    expect(chosen).toHaveLength(15);
    expect(chosen.filter((j) => j.startsWith('big')).length).toBeLessThanOrEqual(10);
    expect(chosen.filter((j) => j.startsWith('other')).length).toBeLessThanOrEqual(10);
  });

  it('gives a small run started during a big one the next free slots, even in the same firm', () => {
    const inFlight = none();
    inFlight.byFirmPortal.set('f1|gst', 9);
    inFlight.byPortal.set('gst', 9);
    inFlight.byRunPortal.set('big|gst', 9);
    const chosen = allocate([group('big', 'f1', 'gst', 5000), group('small', 'f1', 'gst', 10)], inFlight, {
      firmPortal: 12,
      portal: 100,
    });
    expect(chosen).toEqual(['small-gst-0', 'small-gst-1', 'small-gst-2']);
  });

  it('keeps portals apart: a full GST portal does not stop Income Tax jobs', () => {
    const inFlight = none();
    inFlight.byPortal.set('gst', 4);
    const chosen = allocate([group('r', 'f1', 'gst', 3), group('r', 'f1', 'itr', 3)], inFlight, {
      firmPortal: 10,
      portal: 4,
    });
    expect(chosen).toEqual(['r-itr-0', 'r-itr-1', 'r-itr-2']);
  });
});

describe('backoffMs', () => {
  const policy = { maxAttempts: 5, baseMs: 1000, maxMs: 10_000 };
  it('doubles per attempt and stops at the cap', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, policy, mid))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });
  it('jitters within ±20 %', () => {
    expect(backoffMs(1, policy, () => 0)).toBe(800);
    expect(backoffMs(1, policy, () => 1)).toBe(1200);
  });
});

describe('sameDataKey', () => {
  const job = {
    firmId: 'f1',
    clientId: 'c1',
    category: 'gst.gstr2b',
    subjectValue: '27AAACR5055K1Z5',
    period: '042026',
  };

  it('is the same for the same client, identifier, category and period (whatever the run)', () => {
    expect(sameDataKey({ ...job })).toBe(sameDataKey(job));
  });

  it('differs for another client sharing the identifier, and for another category, period or firm', () => {
    const key = sameDataKey(job);
    expect(sameDataKey({ ...job, clientId: 'c2' })).not.toBe(key);
    expect(sameDataKey({ ...job, category: 'gst.ims_2a' })).not.toBe(key);
    expect(sameDataKey({ ...job, period: '052026' })).not.toBe(key);
    expect(sameDataKey({ ...job, period: null })).not.toBe(key);
    expect(sameDataKey({ ...job, firmId: 'f2' })).not.toBe(key);
  });
});
