import { LruCache } from './lru-cache';
import { hashString, rngFor } from './prng';

describe('seeded randomness', () => {
  it('gives the same stream for the same parts and a different one otherwise', () => {
    const a = rngFor('seed', '27AAACR5055K1Z7', '012025');
    const b = rngFor('seed', '27AAACR5055K1Z7', '012025');
    const c = rngFor('seed', '27AAACR5055K1Z7', '022025');
    const draw = (r: typeof a) => Array.from({ length: 5 }, () => r.next());
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
    expect(hashString('x')).not.toBe(hashString('y'));
  });

  it('keeps int() within its inclusive bounds and reaches both ends', () => {
    const rng = rngFor('seed', 'bounds');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(3, 7));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('respects weights roughly', () => {
    const rng = rngFor('seed', 'weights');
    let heavy = 0;
    for (let i = 0; i < 10_000; i++) if (rng.weighted({ heavy: 9, light: 1 }) === 'heavy') heavy++;
    expect(heavy).toBeGreaterThan(8500);
    expect(heavy).toBeLessThan(9500);
  });
});

describe('LruCache', () => {
  it('drops the least recently used entry past its capacity', () => {
    const cache = new LruCache<string, number>(2);
    let created = 0;
    const make = (v: number) => () => {
      created++;
      return v;
    };
    cache.getOrCreate('a', make(1));
    cache.getOrCreate('b', make(2));
    expect(cache.getOrCreate('a', make(99))).toBe(1); // a is now the most recent
    cache.getOrCreate('c', make(3)); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.getOrCreate('b', make(20))).toBe(20);
    expect(created).toBe(4);
  });
});
