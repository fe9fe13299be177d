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

  it('reports a first fetch with data as succeeded', () => {
    expect(outcomeOfFetch(null, map({ a: 'h1' }))).toMatchObject({
      outcome: 'succeeded',
      counts: { added: 1, updated: 0, removed: 0, unchanged: 0 },
    });
  });

  it('reports no_data when the portal holds nothing and nothing was removed (first fetch or repeat)', () => {
    expect(outcomeOfFetch(null, new Map())).toMatchObject({
      outcome: 'no_data',
      counts: { added: 0, updated: 0, removed: 0, unchanged: 0 },
    });
    expect(outcomeOfFetch(new Map(), new Map()).outcome).toBe('no_data');
  });

  it('reports no_change on an identical repeat with data', () => {
    expect(outcomeOfFetch(map({ a: 'h1' }), map({ a: 'h1' })).outcome).toBe('no_change');
  });

  it('reports succeeded when every record disappears (a removal is news, not "no data")', () => {
    expect(outcomeOfFetch(map({ a: 'h1' }), new Map())).toMatchObject({
      outcome: 'succeeded',
      counts: { added: 0, updated: 0, removed: 1, unchanged: 0 },
    });
  });

  describe('a multi-part fetch with a failed part', () => {
    const previous = map({ 'P|AIS|1': 'a1', 'P|TIS|1': 't1', 'P|26AS|1': 's1', 'P|26AS|2': 's2' });

    it('is partial, compares only the fetched parts and keeps the failed part as it was', () => {
      const current = map({ 'P|AIS|1': 'a1', 'P|AIS|2': 'a2', 'P|TIS|1': 't1-new' });
      const fetch = outcomeOfFetch(previous, current, ['P|26AS|']);
      expect(fetch.outcome).toBe('partial');
      // 26AS records are neither removed nor counted: the part was not read.
      expect(fetch.counts).toEqual({ added: 1, updated: 1, removed: 0, unchanged: 1 });
      expect([...(fetch.compared ?? new Map()).keys()].sort()).toEqual(['P|AIS|1', 'P|TIS|1']);
      expect(Object.fromEntries(fetch.snapshot)).toEqual({
        'P|AIS|1': 'a1',
        'P|AIS|2': 'a2',
        'P|TIS|1': 't1-new',
        'P|26AS|1': 's1',
        'P|26AS|2': 's2',
      });
    });

    it('is partial on a first fetch too, and a complete retry then adds only the missing part', () => {
      const first = outcomeOfFetch(null, map({ 'P|AIS|1': 'a1' }), ['P|26AS|']);
      expect(first).toMatchObject({ outcome: 'partial', counts: { added: 1, removed: 0 } });
      const retry = outcomeOfFetch(first.snapshot, map({ 'P|AIS|1': 'a1', 'P|26AS|1': 's1' }));
      expect(retry).toMatchObject({
        outcome: 'succeeded',
        counts: { added: 1, updated: 0, removed: 0, unchanged: 1 },
      });
    });

    it('is partial even when the fetched parts hold nothing', () => {
      expect(outcomeOfFetch(null, new Map(), ['P|26AS|']).outcome).toBe('partial');
    });
  });

  it('keeps one hash per natural key', () => {
    const records = [toRecord('k', { v: 1 }), toRecord('k', { v: 2 }), toRecord('j', { v: 3 })];
    const hashes = toHashMap(records);
    expect(hashes.size).toBe(2);
    expect(hashes.get('k')).toBe(records[1].hash);
  });
});
