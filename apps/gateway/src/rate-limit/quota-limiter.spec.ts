import type { QuotaStore } from './quota-limiter';
import { MemoryQuotaStore, QuotaLimiter } from './quota-limiter';

/** A store shared by several limiters: replicas of the gateway over one PostgreSQL table. */
function countingStore(now: () => number): QuotaStore & { calls: number } {
  const inner = new MemoryQuotaStore(now);
  const store = {
    calls: 0,
    reserve: (key: string, points: number, windowMs: number) => {
      store.calls++;
      return inner.reserve(key, points, windowMs);
    },
  };
  return store;
}

describe('QuotaLimiter (block reservations from a shared store)', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000_000));

  it('allows exactly the limit on one replica, one store call per block, then refuses until the window ends', async () => {
    const store = countingStore(now);
    const limiter = new QuotaLimiter({ limit: 100, windowMs: 60_000, block: 10, store, now });
    const states = await Promise.all(Array.from({ length: 130 }, () => limiter.consume('k')));
    expect(states.filter((s) => s.allowed)).toHaveLength(100);
    expect(store.calls).toBeLessThanOrEqual(11);
    const refused = states.find((s) => !s.allowed);
    expect(refused).toMatchObject({ limit: 100, remaining: 0, msBeforeReset: 60_000 });
    expect(states[0]).toMatchObject({ allowed: true, remaining: 99 });

    clock += 60_000;
    expect((await limiter.consume('k')).allowed).toBe(true);
    expect((await limiter.consume('other')).allowed).toBe(true);
  });

  it('never allows more than the limit across replicas, refusing at most replicas × (block − 1) early', async () => {
    const store = countingStore(now);
    const replicas = [1, 2, 3].map(
      () => new QuotaLimiter({ limit: 100, windowMs: 60_000, block: 10, store, now }),
    );
    let allowed = 0;
    for (let i = 0; i < 200; i++) if ((await replicas[i % 3].consume('k')).allowed) allowed++;
    expect(allowed).toBeLessThanOrEqual(100);
    expect(allowed).toBeGreaterThanOrEqual(100 - 3 * 9);
  });

  it('caps the block at a tenth of the limit', async () => {
    const store = countingStore(now);
    const limiter = new QuotaLimiter({ limit: 20, windowMs: 1_000, block: 50, store, now });
    for (let i = 0; i < 20; i++) expect((await limiter.consume('k')).allowed).toBe(true);
    expect(store.calls).toBe(10);
  });

  it('limits per process from the fallback when the store fails', async () => {
    const failing: QuotaStore = { reserve: () => Promise.reject(new Error('connection refused')) };
    const errors: unknown[] = [];
    const limiter = new QuotaLimiter({
      limit: 10,
      windowMs: 1_000,
      block: 5,
      store: failing,
      fallback: new MemoryQuotaStore(now),
      now,
      onStoreError: (e) => errors.push(e),
    });
    const states = await Promise.all(Array.from({ length: 15 }, () => limiter.consume('k')));
    expect(states.filter((s) => s.allowed)).toHaveLength(10);
    expect(errors.length).toBeGreaterThan(0);
  });
});
