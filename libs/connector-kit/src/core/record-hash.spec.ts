import { canonicalJson, combinedHash, hashData, toRecord } from './record-hash';

describe('record hashing', () => {
  it('does not depend on key order at any depth', () => {
    const a = { inum: 'INV-1', val: 100, items: [{ rt: 18, txval: 100 }], meta: { b: 1, a: 2 } };
    const b = { meta: { a: 2, b: 1 }, items: [{ txval: 100, rt: 18 }], val: 100, inum: 'INV-1' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(hashData(a)).toBe(hashData(b));
  });

  it('changes when a value changes, and keeps array order meaningful', () => {
    expect(hashData({ val: 100 })).not.toBe(hashData({ val: 101 }));
    expect(hashData({ items: [1, 2] })).not.toBe(hashData({ items: [2, 1] }));
  });

  it('ignores undefined fields like JSON does, but not nulls', () => {
    expect(hashData({ a: 1, b: undefined })).toBe(hashData({ a: 1 }));
    expect(hashData({ a: 1, b: null })).not.toBe(hashData({ a: 1 }));
  });

  it('is a sha256 hex of the canonical JSON', () => {
    const record = toRecord('k', { b: 1, a: 'x' });
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalJson(record.data)).toBe('{"a":"x","b":1}');
  });

  it('combines a set of record hashes independently of order', () => {
    const one = new Map([
      ['a', 'h1'],
      ['b', 'h2'],
    ]);
    const two = new Map([
      ['b', 'h2'],
      ['a', 'h1'],
    ]);
    expect(combinedHash(one)).toBe(combinedHash(two));
    expect(combinedHash(one)).not.toBe(combinedHash(new Map([['a', 'h1']])));
  });
});
