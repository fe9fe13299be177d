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

  it('never passes the end of what was read, even when the only changes not applied lie beyond it', () => {
    // A job that read its pages up to 150 and stopped: a deletion at 170 (read up front) was not applied.
    expect(
      nextWatermark(100, 150, [
        { alterId: 120, applied: true },
        { alterId: 170, applied: false },
      ]),
    ).toBe(150);
    expect(
      nextWatermark(100, 150, [
        { alterId: 140, applied: false },
        { alterId: 170, applied: false },
      ]),
    ).toBe(139);
  });
});
