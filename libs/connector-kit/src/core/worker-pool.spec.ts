import pino from 'pino';

import type { ClaimedJob } from './job-store';
import type { WorkerPoolOptions } from './worker-pool';
import { WorkerPool } from './worker-pool';

/** A store that records the order of calls; `releaseDead` hands back what a dead worker held. */
function fakeStore(deadHeld: string[]) {
  const calls: string[] = [];
  let pending = [...deadHeld].map((rowId) => ({ rowId }) as ClaimedJob);
  const store: WorkerPoolOptions['store'] = {
    releaseDead: () => {
      calls.push('releaseDead');
      const released = deadHeld.splice(0);
      return Promise.resolve(released);
    },
    claim: (limit: number) => {
      calls.push('claim');
      const taken = pending.slice(0, limit);
      pending = pending.slice(limit);
      return Promise.resolve(taken);
    },
    heartbeat: () => Promise.resolve(),
    release: () => Promise.resolve(),
  };
  return { store, calls };
}

describe('WorkerPool and dead workers', () => {
  it('takes back what a dead worker held before its first claim, then sweeps at most every interval', async () => {
    const { store, calls } = fakeStore(['7']);
    const ran: string[] = [];
    const pool = new WorkerPool({
      store,
      run: (claimed) => {
        ran.push(claimed.rowId);
        return Promise.resolve();
      },
      logger: pino({ level: 'silent' }),
      concurrency: 2,
      pollIntervalMs: 60_000,
      heartbeatIntervalMs: 60_000,
      deadWorkerSweepMs: 60_000,
    });
    pool.start();
    // The job's end wakes the pool for another claim; the sweep is not due again within its interval.
    for (let i = 0; i < 50 && calls.filter((c) => c === 'claim').length < 2; i++)
      await new Promise((r) => setImmediate(r));
    await pool.stop();
    expect(ran).toEqual(['7']);
    expect(calls.slice(0, 2)).toEqual(['releaseDead', 'claim']);
    expect(calls.filter((c) => c === 'releaseDead')).toHaveLength(1);
    expect(calls.filter((c) => c === 'claim').length).toBeGreaterThanOrEqual(2);
  });
});

describe('WorkerPool while the portal is down', () => {
  it('claims nothing while `admit` allows none, and claims the queue once it allows again', async () => {
    const limits: number[] = [];
    let pending = ['1', '2', '3'].map((rowId) => ({ rowId }) as ClaimedJob);
    const store: WorkerPoolOptions['store'] = {
      releaseDead: () => Promise.resolve([]),
      claim: (limit: number) => {
        limits.push(limit);
        const taken = pending.slice(0, limit);
        pending = pending.slice(limit);
        return Promise.resolve(taken);
      },
      heartbeat: () => Promise.resolve(),
      release: () => Promise.resolve(),
    };
    let allowed = 0;
    const ran: string[] = [];
    const pool = new WorkerPool({
      store,
      run: (claimed) => {
        ran.push(claimed.rowId);
        return Promise.resolve();
      },
      logger: pino({ level: 'silent' }),
      concurrency: 4,
      pollIntervalMs: 60_000,
      heartbeatIntervalMs: 60_000,
      admit: (free) => Math.min(free, allowed),
    });
    pool.start();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(limits).toEqual([]);
    expect(ran).toEqual([]);
    allowed = 4;
    pool.wake();
    for (let i = 0; i < 50 && ran.length < 3; i++) await new Promise((r) => setImmediate(r));
    await pool.stop();
    expect(ran).toEqual(['1', '2', '3']);
    expect(limits[0]).toBe(4);
  });
});
