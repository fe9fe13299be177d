import { linkSelectionsOverlap } from './link-run-overlap';

const A = '0193a8f4-1111-7abc-8def-0123456789aa';
const B = '0193a8f4-1111-7abc-8def-0123456789bb';

describe('linkSelectionsOverlap', () => {
  it('overlaps when either side selects every link', () => {
    expect(linkSelectionsOverlap({ all: true }, { ids: [A] })).toBe(true);
    expect(linkSelectionsOverlap({ ids: [B] }, { all: true })).toBe(true);
  });

  it('overlaps ids only when they share a link', () => {
    expect(linkSelectionsOverlap({ ids: [A, B] }, { ids: [B] })).toBe(true);
    expect(linkSelectionsOverlap({ ids: [A] }, { ids: [B] })).toBe(false);
  });

  it('takes a retry run (its links are not listed) to overlap', () => {
    expect(linkSelectionsOverlap({ retryOf: A }, { ids: [B] })).toBe(true);
  });
});
