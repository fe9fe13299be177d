import { classifyChanges, outcomeOfFetch, toHashMap } from './change-detection';
import { toRecord } from './record-hash';

const map = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('change classification', () => {
  it('counts added, updated, removed and unchanged records by natural key', () => {
    const previous = map({ a: 'h1', b: 'h2', c: 'h3' });
    const current = map({ a: 'h1', b: 'h2-new', d: 'h4' });
    expect(classifyChanges(previous, current)).toEqual({
      counts: { added: 1, updated: 1, removed: 1, unchanged: 1 },
      changed: true,
    });
  });

  it('says nothing changed when every hash matches', () => {
    const same = map({ a: 'h1', b: 'h2' });
    expect(classifyChanges(same, map({ b: 'h2', a: 'h1' }))).toEqual({
      counts: { added: 0, updated: 0, removed: 0, unchanged: 2 },
      changed: false,
    });
  });

  it('reports a first fetch as succeeded, even an empty one', () => {
    expect(outcomeOfFetch(null, map({ a: 'h1' }))).toEqual({
      outcome: 'succeeded',
      counts: { added: 1, updated: 0, removed: 0, unchanged: 0 },
    });
    expect(outcomeOfFetch(null, new Map()).outcome).toBe('succeeded');
  });

  it('reports no_change on an identical repeat (including a repeated empty answer)', () => {
    expect(outcomeOfFetch(map({ a: 'h1' }), map({ a: 'h1' })).outcome).toBe('no_change');
    expect(outcomeOfFetch(new Map(), new Map()).outcome).toBe('no_change');
  });

  it('reports succeeded when records disappear', () => {
    expect(outcomeOfFetch(map({ a: 'h1' }), new Map())).toEqual({
      outcome: 'succeeded',
      counts: { added: 0, updated: 0, removed: 1, unchanged: 0 },
    });
  });

  it('keeps one hash per natural key', () => {
    const records = [toRecord('k', { v: 1 }), toRecord('k', { v: 2 }), toRecord('j', { v: 3 })];
    const hashes = toHashMap(records);
    expect(hashes.size).toBe(2);
    expect(hashes.get('k')).toBe(records[1].hash);
  });
});
