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
