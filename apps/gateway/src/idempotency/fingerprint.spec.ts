import { canonicalJson, IDEMPOTENCY_KEY_PATTERN, requestFingerprint } from './fingerprint';

describe('request fingerprints', () => {
  it('ignores key order but not values', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
    const a = requestFingerprint('POST', '/v1/clients', { name: 'x', pan: 'AAACR5055K' });
    expect(requestFingerprint('post', '/v1/clients', { pan: 'AAACR5055K', name: 'x' })).toBe(a);
    expect(requestFingerprint('POST', '/v1/clients', { pan: 'AAACR5055K', name: 'y' })).not.toBe(a);
    expect(requestFingerprint('POST', '/v1/sync-runs', { pan: 'AAACR5055K', name: 'x' })).not.toBe(a);
  });

  it('hashes text bodies (CSV) as they are', () => {
    expect(requestFingerprint('POST', '/i', 'name\nA')).not.toBe(requestFingerprint('POST', '/i', 'name\nB'));
  });

  it('accepts printable keys only', () => {
    expect(IDEMPOTENCY_KEY_PATTERN.test('0193a8f4-2222-7abc-8def-0123456789ab')).toBe(true);
    expect(IDEMPOTENCY_KEY_PATTERN.test('has space')).toBe(false);
    expect(IDEMPOTENCY_KEY_PATTERN.test('x'.repeat(256))).toBe(false);
  });
});
