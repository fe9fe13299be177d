import { nextWatermark } from './watermark';

describe('nextWatermark', () => {
  it('moves to the top of the window when every change was applied', () => {
    expect(
      nextWatermark(100, 180, [
        { alterId: 120, applied: true },
        { alterId: 150, applied: true },
      ]),
    ).toBe(180);
    expect(nextWatermark(100, 180, [])).toBe(180);
  });

  it('stops below the first change that was not applied, so it (and only what follows) is read again', () => {
    const changes = [
      { alterId: 110, applied: true },
      { alterId: 130, applied: false },
      { alterId: 140, applied: true },
      { alterId: 160, applied: false },
    ];
    expect(nextWatermark(100, 180, changes)).toBe(129);
  });

  it('never moves back', () => {
    expect(nextWatermark(100, 180, [{ alterId: 101, applied: false }])).toBe(100);
    expect(nextWatermark(100, 90, [])).toBe(100);
  });
});
