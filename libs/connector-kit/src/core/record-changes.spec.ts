import { changeBytes, chunkChanges, diffRecords } from './record-changes';
import { toRecord } from './record-hash';

describe('diffRecords', () => {
  const a = toRecord('a', { v: 1 });
  const b = toRecord('b', { v: 2 });
  const b2 = toRecord('b', { v: 3 });

  it('marks everything added on a first fetch', () => {
    expect(diffRecords(null, [a, b]).map((c) => c.change)).toEqual(['added', 'added']);
  });

  it('reports only updated and removed records against the snapshot', () => {
    const previous = new Map([
      ['a', a.hash],
      ['b', b.hash],
      ['c', 'old'],
    ]);
    const changes = diffRecords(previous, [a, b2]);
    expect(changes).toEqual([
      { naturalKey: 'b', change: 'updated', hash: b2.hash, data: { v: 3 } },
      { naturalKey: 'c', change: 'removed', hash: null, data: null },
    ]);
  });

  it('finds nothing when identical', () => {
    expect(diffRecords(new Map([['a', a.hash]]), [a])).toEqual([]);
  });
});

describe('chunkChanges', () => {
  it('keeps every chunk under the budget and the order intact', () => {
    const changes = Array.from({ length: 500 }, (_, i) => ({
      naturalKey: `k${i}`,
      change: 'added' as const,
      hash: 'h',
      data: { text: 'x'.repeat(200) },
    }));
    const chunks = chunkChanges(changes, 20_000);
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThan(20_000);
    expect(chunks.flat().map((c) => c.naturalKey)).toEqual(changes.map((c) => c.naturalKey));
  });
});

describe('changeBytes', () => {
  it('equals the size of the serialised change, for hashed records and for others', () => {
    const data = {
      inum: 'INV-"1"',
      text: 'Ünïcode — ₹ 1,180',
      val: 1180.5,
      when: new Date(0),
      skipped: undefined,
      items: [{ rt: 18, txval: 1000, note: undefined }, null],
    };
    const hashed = diffRecords(null, [toRecord('27AAACR5055K1Z7|B2B|"x"|INV-1', data)])[0];
    const fresh = { naturalKey: 'k', change: 'added' as const, hash: 'h', data: { ...data } };
    const removed = { naturalKey: 'k', change: 'removed' as const, hash: null, data: null };
    for (const change of [hashed, fresh, removed]) {
      expect(changeBytes(change)).toBe(Buffer.byteLength(JSON.stringify(change), 'utf8'));
    }
  });
});
