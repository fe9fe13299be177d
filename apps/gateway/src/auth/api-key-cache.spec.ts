import type { CachedKey } from './api-key-cache';
import { ApiKeyCache } from './api-key-cache';

const key = (keyId: string): CachedKey => ({
  principal: { kind: 'firm', firmId: 'f1', role: 'viewer', keyId },
  lastUsedAt: null,
});

describe('ApiKeyCache', () => {
  it('trusts a checked key for the TTL only', () => {
    const cache = new ApiKeyCache(10_000);
    cache.set('h1', key('k1'), 0, cache.begin());
    expect(cache.get('h1', 9_999)?.principal.keyId).toBe('k1');
    expect(cache.get('h1', 10_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets a revoked key at once', () => {
    const cache = new ApiKeyCache(10_000);
    cache.set('h1', key('k1'), 0, cache.begin());
    cache.set('h2', key('k2'), 0, cache.begin());
    cache.forget('k1');
    expect(cache.get('h1', 1)).toBeUndefined();
    expect(cache.get('h2', 1)?.principal.keyId).toBe('k2');
  });

  it('does not cache a lookup that a revocation overtook', () => {
    const cache = new ApiKeyCache(10_000);
    const since = cache.begin();
    cache.forget('k1'); // revoked while the lookup was reading the still-active row
    cache.set('h1', key('k1'), 0, since);
    expect(cache.get('h1', 1)).toBeUndefined();
  });

  it('caches nothing with a TTL of 0, and stays within its size', () => {
    const off = new ApiKeyCache(0);
    off.set('h1', key('k1'), 0, off.begin());
    expect(off.get('h1', 0)).toBeUndefined();

    const small = new ApiKeyCache(10_000, 2);
    for (const n of [1, 2, 3]) small.set(`h${n}`, key(`k${n}`), 0, small.begin());
    expect(small.size).toBe(2);
    expect(small.get('h1', 1)).toBeUndefined();
    expect(small.get('h3', 1)?.principal.keyId).toBe('k3');
  });
});
