import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { PortalLimiter } from './portal-limiter';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A full GC on demand, without starting jest with --expose-gc.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * Schedules a call that refers to a payload (as a job's call refers to its request, its signal and through that
 * what the job fetched); returns a weak reference to the payload and the call's promise.
 */
function scheduleHolding(limiter: PortalLimiter, account: string) {
  const payload = { documents: Array.from({ length: 1000 }, (_, n) => ({ n })) };
  const done = limiter.schedule({ firm: 'A', account }, async () => payload.documents.length);
  return { held: new WeakRef(payload), done };
}

describe('PortalLimiter', () => {
  it("serves a firm's single call next to another firm's hundreds, not after them", async () => {
    const limiter = new PortalLimiter({
      perMinute: 0,
      perAccountConcurrency: 4,
      perFirmConcurrency: 2,
      maxConcurrent: 4,
    });
    const started: string[] = [];
    const call = (name: string) => () => {
      started.push(name);
      return sleep(20);
    };
    // Firm A: 40 calls over 40 GSTINs, all queued before firm B's one call.
    const busy = Array.from({ length: 40 }, (_, i) =>
      limiter.schedule({ firm: 'A', account: `gstin-${i}` }, call(`A${i}`)),
    );
    const single = limiter.schedule({ firm: 'B', account: 'gstin-b' }, call('B'));
    await Promise.all([...busy, single]);
    // A holds at most its share (2 of 4 slots), so B starts in the first round rather than after 40 calls.
    expect(started.indexOf('B')).toBeLessThan(3);
    expect(started).toHaveLength(41);
    await limiter.stop();
  });

  it('keeps nothing of a finished call while its account, firm and process stages live on', async () => {
    const limiter = new PortalLimiter({
      perMinute: 600,
      perAccountConcurrency: 4,
      perFirmConcurrency: 8,
      maxConcurrent: 16,
    });
    const calls = ['gstin-1', 'gstin-2', 'gstin-1', 'gstin-2', 'gstin-1'].map((account) =>
      scheduleHolding(limiter, account),
    );
    expect(await Promise.all(calls.map((c) => c.done))).toEqual([1000, 1000, 1000, 1000, 1000]);
    // A WeakRef keeps its target until the task that made it ends (Node clears them between tasks).
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
    }
    expect(calls.map((c) => c.held.deref() === undefined)).toEqual([true, true, true, true, true]);
    await limiter.stop();
  });

  it('keeps the rate per account of a firm', async () => {
    const limiter = new PortalLimiter({
      perMinute: 2,
      perAccountConcurrency: 4,
      perFirmConcurrency: 4,
      maxConcurrent: 8,
    });
    let served = 0;
    const calls = Array.from({ length: 3 }, () =>
      limiter.schedule({ firm: 'A', account: 'gstin-1' }, async () => {
        served++;
      }),
    );
    await sleep(200);
    // The third call waits for the next minute's budget; another account of the firm is not held up.
    expect(served).toBe(2);
    await limiter.schedule({ firm: 'A', account: 'gstin-2' }, async () => undefined);
    expect(served).toBe(2);
    void limiter.stop();
    void Promise.allSettled(calls);
  });

  it('holds each account, each firm and the process to their concurrency', async () => {
    const limiter = new PortalLimiter({
      perMinute: 0,
      perAccountConcurrency: 2,
      perFirmConcurrency: 3,
      maxConcurrent: 4,
    });
    const inFlight = { account: new Map<string, number>(), firm: new Map<string, number>(), all: 0 };
    const peak = { account: 0, firm: 0, all: 0 };
    const bump = (map: Map<string, number>, key: string, by: number) => {
      const n = (map.get(key) ?? 0) + by;
      map.set(key, n);
      return n;
    };
    const call = (firm: string, account: string) => async () => {
      peak.account = Math.max(peak.account, bump(inFlight.account, `${firm}/${account}`, 1));
      peak.firm = Math.max(peak.firm, bump(inFlight.firm, firm, 1));
      peak.all = Math.max(peak.all, ++inFlight.all);
      await sleep(5);
      bump(inFlight.account, `${firm}/${account}`, -1);
      bump(inFlight.firm, firm, -1);
      inFlight.all--;
    };
    const calls = ['A', 'B', 'C'].flatMap((firm) =>
      Array.from({ length: 12 }, (_, i) =>
        limiter.schedule({ firm, account: `gstin-${i % 2}` }, call(firm, `gstin-${i % 2}`)),
      ),
    );
    await Promise.all(calls);
    expect(peak).toEqual({ account: 2, firm: 3, all: 4 });
    await limiter.stop();
  });

  it("serves a call over an account's budget when the next minute begins", async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const limiter = new PortalLimiter({
        perMinute: 2,
        perAccountConcurrency: 4,
        perFirmConcurrency: 4,
        maxConcurrent: 8,
      });
      let served = 0;
      const calls = Array.from({ length: 3 }, () =>
        limiter.schedule({ firm: 'A', account: 'gstin-1' }, async () => {
          served++;
        }),
      );
      await jest.advanceTimersByTimeAsync(59_000);
      expect(served).toBe(2);
      await jest.advanceTimersByTimeAsync(1_100);
      expect(served).toBe(3);
      await Promise.all(calls);
      await limiter.stop();
    } finally {
      jest.useRealTimers();
    }
  });

  it("remembers the portal's Retry-After", () => {
    let now = 1_000_000;
    const limiter = new PortalLimiter(
      { perMinute: 0, perAccountConcurrency: 1, perFirmConcurrency: 1, maxConcurrent: 1 },
      () => now,
    );
    expect(limiter.pausedForMs()).toBe(0);
    limiter.pauseFor(30_000);
    limiter.pauseFor(10_000); // a shorter wait never shortens the pause
    now += 5_000;
    expect(limiter.pausedForMs()).toBe(25_000);
    now += 30_000;
    expect(limiter.pausedForMs()).toBe(0);
    void limiter.stop();
  });
});
