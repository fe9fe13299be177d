import { SyncJobCompletedSchema } from '@practice-sync/contracts';

import { taxpayerOutcomes } from './taxpayer-outcomes';

describe('taxpayerOutcomes', () => {
  const current = new Map([
    ['F|r1', 'h1'],
    ['F|r2', 'h2'],
    ['F|r3', 'h3'],
  ]);
  const taxpayers = [
    { id: 'tp-1', name: 'Asha', recordKeys: ['F|r1'], unsuccessful: null },
    { id: 'tp-2', name: 'Vikram', recordKeys: ['F|r2'], unsuccessful: 'declined to sign' },
    { id: 'tp-3', name: null, recordKeys: ['F|r3'], unsuccessful: null },
  ];

  it('counts a first fetch of a signed taxpayer as a success, a declined one as unsuccessful', () => {
    const result = taxpayerOutcomes(taxpayers, null, current);
    expect(result.items).toEqual([
      { id: 'tp-1', name: 'Asha', outcome: 'succeeded', reason: null },
      { id: 'tp-2', name: 'Vikram', outcome: 'unsuccessful', reason: 'declined to sign' },
      { id: 'tp-3', name: null, outcome: 'succeeded', reason: null },
    ]);
    expect(result.counts).toEqual({ succeeded: 2, unsuccessful: 1, noChange: 0 });
  });

  it('is no_change for a taxpayer whose records are as they were, and still unsuccessful when declined', () => {
    const previous = new Map([
      ['F|r1', 'h1'],
      ['F|r2', 'h2'],
      ['F|r3', 'old'],
    ]);
    const result = taxpayerOutcomes(taxpayers, previous, current);
    expect(result.items.map((t) => t.outcome)).toEqual(['no_change', 'unsuccessful', 'succeeded']);
    expect(result.counts).toEqual({ succeeded: 1, unsuccessful: 1, noChange: 1 });
  });
});

describe('taxpayerOutcomes bounds', () => {
  it('keeps ids, names and reasons within what sync.job.completed accepts', () => {
    const result = taxpayerOutcomes(
      Array.from({ length: 250 }, (_, i) => ({
        id: `tp-${i}-${'x'.repeat(300)}`,
        name: 'n'.repeat(1000),
        recordKeys: [`F|r${i}`],
        unsuccessful: i % 2 ? 'r'.repeat(900) : null,
      })),
      null,
      new Map(Array.from({ length: 250 }, (_, i) => [`F|r${i}`, `h${i}`])),
    );
    expect(result.counts).toEqual({ succeeded: 125, unsuccessful: 125, noChange: 0 });
    expect(result.items).toHaveLength(200);
    expect(SyncJobCompletedSchema.shape.taxpayers.safeParse(result).success).toBe(true);
  });
});
