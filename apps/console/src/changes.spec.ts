import type { ClientChange } from './api';
import { groupChanges } from './changes';

function change(n: number, runId: string, category: string, kind: ClientChange['change']): ClientChange {
  return {
    id: `c${n}`,
    runId,
    category,
    subject: { kind: 'gstin', value: '27AAACR5055K1Z7' },
    period: '102026',
    naturalKey: `k${n}`,
    change: kind,
    at: `2026-12-06T08:00:0${n}Z`,
  };
}

describe('groupChanges', () => {
  it('puts the changes of one sync of a category, identifier and period together, in feed order', () => {
    const groups = groupChanges([
      change(1, 'run-1', 'gst.gstr2b', 'added'),
      change(2, 'run-1', 'gst.gstr2b', 'added'),
      change(3, 'run-1', 'gst.gstr1_1a', 'added'),
      change(4, 'run-2', 'gst.gstr2b', 'updated'),
      change(5, 'run-2', 'gst.gstr2b', 'removed'),
    ]);
    expect(groups.map((g) => [g.category, g.counts, g.items.length, g.at])).toEqual([
      ['gst.gstr2b', { added: 2, updated: 0, removed: 0 }, 2, '2026-12-06T08:00:01Z'],
      ['gst.gstr1_1a', { added: 1, updated: 0, removed: 0 }, 1, '2026-12-06T08:00:03Z'],
      ['gst.gstr2b', { added: 0, updated: 1, removed: 1 }, 2, '2026-12-06T08:00:04Z'],
    ]);
  });
});
