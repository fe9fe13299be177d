import { canonicalJson, combinedHash, hashData, sha256Hex, toRecord } from './record-hash';

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

  it('keeps the hashes already stored: a GST invoice hashes as it always has', () => {
    const invoice = {
      gstin: '27AAAPL1234C1ZV',
      section: 'B2B',
      ctin: '29AAACB1234C1Z5',
      inum: 'INV/7',
      val: 12352.67,
      itms: [{ num: 1, itm_det: { txval: 1007.5, rt: 18, iamt: 181.35 } }],
      '10': 'a',
      '9': 'b',
    };
    expect(canonicalJson(invoice)).toBe(
      '{"9":"b","10":"a","ctin":"29AAACB1234C1Z5","gstin":"27AAAPL1234C1ZV","inum":"INV/7",' +
        '"itms":[{"itm_det":{"iamt":181.35,"rt":18,"txval":1007.5},"num":1}],"section":"B2B","val":12352.67}',
    );
    expect(hashData(invoice)).toBe('d5357630bd596fbe61bf475d67a8c8d4899f1e5448f0144eb59af9b625415da7');
    expect(hashData(invoice)).toBe(sha256Hex(canonicalJson(invoice)));
  });

  it('gives the same JSON as sorting every object afresh, whatever came before it', () => {
    // The definition stored hashes were made with: a sorted copy of every object, then JSON.stringify.
    const reference = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : reference(v)));
      if (value !== null && typeof value === 'object') {
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(value).sort()) {
          const v = (value as Record<string, unknown>)[key];
          if (v !== undefined) out[key] = reference(v);
        }
        return out;
      }
      return value;
    };
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const keys = ['a', 'b', 'inum', 'val', '0', '2', '10', 'Z', 'é', 'itms', 'a b'];
    const valueOf = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.35)
        return [1.5, 'x', null, true, undefined, -0, '"q"'][Math.floor(random() * 7)];
      if (r < 0.5) return Array.from({ length: Math.floor(random() * 3) }, () => valueOf(depth + 1));
      const out: Record<string, unknown> = {};
      for (const key of keys) if (random() < 0.4) out[key] = valueOf(depth + 1);
      return out;
    };
    // Shapes repeat (as a portal's records do) and change, so the key-order cache both hits and misses.
    const values = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? valueOf(0) : null));
    for (let i = 0; i < values.length; i++)
      if (values[i] === null) values[i] = structuredClone(values[i - 1]);
    for (const value of values) expect(canonicalJson(value)).toBe(JSON.stringify(reference(value)));
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
