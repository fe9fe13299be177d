import { apiKeyPrefix, bearerToken, generateApiKey, hashApiKey, hashMatches, sameSecret } from './api-key';
import { assertAllowed } from './api-key.guard';
import type { Principal } from './principal';

describe('API keys', () => {
  it('generates a key whose prefix finds it and whose hash verifies it', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^psk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(apiKeyPrefix(key)).toBe(prefix);
    expect(hash).toBe(hashApiKey(key));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(key.slice(17));
    expect(hashMatches(key, hash)).toBe(true);
    expect(hashMatches(`${key.slice(0, -1)}x`, hash)).toBe(false);
  });

  it('never generates the same key twice', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey().key));
    expect(keys.size).toBe(50);
  });

  it('rejects strings that cannot be keys before touching the database', () => {
    expect(apiKeyPrefix('psk_short_x')).toBeNull();
    expect(apiKeyPrefix('Bearer something')).toBeNull();
  });

  it('reads bearer tokens', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });

  it('compares the platform key exactly', () => {
    expect(sameSecret('platform-key-0001', 'platform-key-0001')).toBe(true);
    expect(sameSecret('platform-key-0002', 'platform-key-0001')).toBe(false);
    expect(sameSecret('', 'platform-key-0001')).toBe(false);
  });
});

describe('assertAllowed', () => {
  const viewer: Principal = { kind: 'firm', firmId: 'f', role: 'viewer', keyId: 'k' };
  const operator: Principal = { kind: 'firm', firmId: 'f', role: 'operator', keyId: 'k' };

  it('keeps viewers from writing', () => {
    expect(() => assertAllowed(viewer, { firmRoles: ['admin', 'operator'] })).toThrow(
      /role admin or operator/,
    );
    expect(() => assertAllowed(operator, { firmRoles: ['admin', 'operator'] })).not.toThrow();
    expect(() => assertAllowed(viewer, {})).not.toThrow();
  });

  it('keeps the platform key to firm management', () => {
    expect(() => assertAllowed({ kind: 'platform' }, {})).toThrow(/platform key/);
    expect(() => assertAllowed({ kind: 'platform' }, { platform: true, firmRoles: [] })).not.toThrow();
    expect(() => assertAllowed(operator, { platform: true, firmRoles: [] })).toThrow(/Only the platform key/);
  });
});
