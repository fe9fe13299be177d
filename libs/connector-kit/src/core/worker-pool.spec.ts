import { getMaxListeners } from 'node:events';

import pino from 'pino';

import type { ClaimedJob } from './job-store';
import type { WorkerPoolOptions } from './worker-pool';
import { WorkerPool } from './worker-pool';

/**
 * A pool on `store` running `run`, with what every pool of this spec shares: silent logs, two slots, and no
 * poll, heartbeat or dead-worker sweep due during a test unless `options` says so.
 */
function testPool(
  store: WorkerPoolOptions['store'],
  run: WorkerPoolOptions['run'],
  options: Partial<WorkerPoolOptions> = {},
): WorkerPool {
  return new WorkerPool({
    store,
    run,
    logger: pino({ level: 'silent' }),
    concurrency: 2,
    pollIntervalMs: 60_000,
    heartbeatIntervalMs: 60_000,
    deadWorkerSweepMs: 60_000,
    ...options,
  });
}

/** A job body that notes the job's row id and ends at once. */
function noting(ran: string[]): WorkerPoolOptions['run'] {
  return (claimed) => {
    ran.push(claimed.rowId);
    return Promise.resolve();
  };
}

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
    const pool = testPool(store, noting(ran));
    pool.start();
    // A job recorded wakes the pool for another claim; the sweep is not due again within its interval.
    for (let i = 0; i < 50 && ran.length < 1; i++) await new Promise((r) => setImmediate(r));
    pool.wake();
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
  /** A store whose table holds these pending jobs; `limits` records each claim's limit. */
  function queueStore(rowIds: string[]): { store: WorkerPoolOptions['store']; limits: number[] } {
    const limits: number[] = [];
    let pending = rowIds.map((rowId) => ({ rowId }) as ClaimedJob);
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
    return { store, limits };
  }

  it('claims nothing while `admit` allows none, and claims the queue once it allows again', async () => {
    const { store, limits } = queueStore(['1', '2', '3']);
    let allowed = 0;
    const ran: string[] = [];
    const pool = testPool(store, noting(ran), {
      concurrency: 4,
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
    // Admitted in full: the four free slots and the prefetch (a quarter of 4).
    expect(limits[0]).toBe(5);
  });

  it('claims no prefetch while `admit` narrows the free slots (a half-open breaker’s one probe)', async () => {
    const { store, limits } = queueStore(['1', '2', '3']);
    const ran: string[] = [];
    const pool = testPool(
      store,
      (claimed) => {
        ran.push(claimed.rowId);
        return new Promise<void>(() => undefined);
      },
      {
        concurrency: 4,
        prefetch: 2,
        stopGraceMs: 0,
        admit: (free, inFlight) => Math.min(free, 1 - inFlight),
      },
    );
    pool.start();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    await pool.stop();
    expect(limits).toEqual([1]);
    expect(ran).toEqual(['1']);
  });
});

describe('WorkerPool claims', () => {
  function pool(store: WorkerPoolOptions['store'], ran: string[], finish: Map<string, () => void>) {
    return testPool(
      store,
      (claimed) => {
        ran.push(claimed.rowId);
        return new Promise<void>((resolve) => finish.set(claimed.rowId, resolve));
      },
      { concurrency: 4, prefetch: 2, stopGraceMs: 0 },
    );
  }
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };

  it('claims the free slots plus the prefetch in one statement and starts held jobs without claiming', async () => {
    const { store, calls } = fakeStore([]);
    const backlog = Array.from({ length: 20 }, (_, i) => ({ rowId: String(i) }) as ClaimedJob);
    const limits: number[] = [];
    store.claim = (limit) => {
      calls.push('claim');
      limits.push(limit);
      return Promise.resolve(backlog.splice(0, limit));
    };
    const heartbeats: string[][] = [];
    store.heartbeat = (ids) => {
      heartbeats.push(ids);
      return Promise.resolve();
    };
    const ran: string[] = [];
    const finish = new Map<string, () => void>();
    const p = pool(store, ran, finish);
    p.start();
    await settle();
    expect(limits).toEqual([6]);
    expect(ran).toEqual(['0', '1', '2', '3']);
    expect(p.held).toBe(2);
    // Two jobs end: the held ones take their slots, no claim.
    finish.get('0')?.();
    finish.get('1')?.();
    await settle();
    expect(ran).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(limits).toEqual([6]);
    // The next end finds nothing held: one claim for the free slot and the prefetch.
    finish.get('2')?.();
    await settle();
    expect(limits).toEqual([6, 3]);
    expect(ran).toHaveLength(7);
    expect(p.held).toBe(2);
    await p.stop();
  });

  it('does not claim when a job ends after a claim found the table empty, until a job is recorded', async () => {
    const { store } = fakeStore([]);
    let limits = 0;
    const table: ClaimedJob[] = [{ rowId: 'a' } as ClaimedJob];
    store.claim = (limit) => {
      limits += 1;
      return Promise.resolve(table.splice(0, limit));
    };
    const ran: string[] = [];
    const finish = new Map<string, () => void>();
    const p = pool(store, ran, finish);
    p.start();
    await settle();
    expect(ran).toEqual(['a']);
    finish.get('a')?.();
    await settle();
    expect(limits).toBe(1);
    table.push({ rowId: 'b' } as ClaimedJob);
    p.wake();
    await settle();
    expect(limits).toBe(2);
    expect(ran).toEqual(['a', 'b']);
    await p.stop();
  });
});

describe('WorkerPool at rest', () => {
  /** A pool polling every 5 ms whose store counts claims and sweeps; `dead` is handed back by the next sweep. */
  function idlePool(idleClaimIntervalMs: number | undefined) {
    const counts = { claims: 0, sweeps: 0 };
    const table: ClaimedJob[] = [];
    const dead: string[] = [];
    const ran: string[] = [];
    const store: WorkerPoolOptions['store'] = {
      releaseDead: () => {
        counts.sweeps += 1;
        const released = dead.splice(0);
        for (const rowId of released) table.push({ rowId } as ClaimedJob);
        return Promise.resolve(released);
      },
      claim: (limit) => {
        counts.claims += 1;
        return Promise.resolve(table.splice(0, limit));
      },
      heartbeat: () => Promise.resolve(),
      release: () => Promise.resolve(),
    };
    const pool = testPool(store, noting(ran), {
      pollIntervalMs: 5,
      deadWorkerSweepMs: 5,
      ...(idleClaimIntervalMs === undefined ? {} : { idleClaimIntervalMs }),
    });
    return { pool, counts, table, dead, ran };
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 400 && !done(); i++) await sleep(5);
  };

  it('claims once while nothing waits, yet sweeps every poll', async () => {
    const { pool, counts } = idlePool(60_000);
    pool.start();
    await until(() => counts.sweeps >= 10);
    await pool.stop();
    expect(counts.sweeps).toBeGreaterThanOrEqual(10);
    expect(counts.claims).toBe(1); // the claim at start, which found the table empty
  });

  it('claims every poll without an idle interval (the default)', async () => {
    const { pool, counts } = idlePool(undefined);
    pool.start();
    await until(() => counts.sweeps >= 10);
    await pool.stop();
    expect(counts.claims).toBeGreaterThanOrEqual(5);
  });

  it("claims at once a recorded job, and a dead worker's jobs the sweep took back", async () => {
    const { pool, counts, table, dead, ran } = idlePool(60_000);
    pool.start();
    await until(() => counts.sweeps >= 3);
    table.push({ rowId: 'recorded' } as ClaimedJob);
    pool.wake();
    await until(() => ran.includes('recorded'));
    dead.push('of-a-dead-worker');
    await until(() => ran.includes('of-a-dead-worker'));
    await pool.stop();
    expect(ran).toEqual(['recorded', 'of-a-dead-worker']);
  });

  it('claims a job nobody announced (another replica recorded it) at the next idle claim', async () => {
    const { pool, counts, table, ran } = idlePool(50);
    pool.start();
    await until(() => counts.sweeps >= 40);
    // Every 50 ms, not every 5 ms poll.
    expect(counts.claims).toBeGreaterThanOrEqual(2);
    expect(counts.claims).toBeLessThan(counts.sweeps / 3);
    table.push({ rowId: 'from-another-replica' } as ClaimedJob);
    await until(() => ran.length > 0);
    await pool.stop();
    expect(ran).toEqual(['from-another-replica']);
  });
});

describe('WorkerPool reading ahead for a claim', () => {
  async function runAll(onClaimed: WorkerPoolOptions['onClaimed']) {
    const { store, calls } = fakeStore(['1', '2', '3']);
    const events: string[] = [];
    const warned: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warned.push(line) });
    const pool = testPool(
      store,
      (claimed) => {
        events.push(`run ${claimed.rowId}`);
        return Promise.resolve();
      },
      {
        onClaimed: (claimed) => {
          events.push(`claimed ${claimed.map((c) => c.rowId).join(',')}`);
          return onClaimed ? onClaimed(claimed) : Promise.resolve();
        },
        logger,
        concurrency: 4,
      },
    );
    pool.start();
    for (let i = 0; i < 50 && events.filter((e) => e.startsWith('run')).length < 3; i++)
      await new Promise((r) => setImmediate(r));
    await pool.stop();
    return { events, warned, calls };
  }

  it("is called with the claim's jobs before any of them runs", async () => {
    const { events } = await runAll(undefined);
    expect(events[0]).toBe('claimed 1,2,3');
    expect(events.slice(1).sort()).toEqual(['run 1', 'run 2', 'run 3']);
  });

  it('a failing read-ahead is logged and the jobs still run (each reads its own)', async () => {
    const { events, warned } = await runAll(() => Promise.reject(new Error('connection reset')));
    expect(events.filter((e) => e.startsWith('run')).sort()).toEqual(['run 1', 'run 2', 'run 3']);
    expect(warned.join('\n')).toContain('reading ahead for claimed jobs failed');
  });
});

describe('WorkerPool and its shutdown signal', () => {
  it('lets every running job listen for the shutdown without Node warning of a listener leak', async () => {
    const { store } = fakeStore(Array.from({ length: 16 }, (_, i) => String(i)));
    const signals: AbortSignal[] = [];
    const pool = testPool(
      store,
      (_claimed, shutdown) => {
        signals.push(shutdown);
        return Promise.resolve();
      },
      { concurrency: 16 },
    );
    pool.start();
    for (let i = 0; i < 100 && signals.length < 16; i++) await new Promise((r) => setImmediate(r));
    await pool.stop();
    expect(signals).toHaveLength(16);
    // Node warns past an EventTarget's max listeners (10 by default): 16 jobs listening at once must stay under it.
    expect(getMaxListeners(signals[0])).toBeGreaterThanOrEqual(16);
  });
});
