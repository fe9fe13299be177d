import { PollingLoop } from './polling-loop';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PollingLoop', () => {
  it('runs passes back to back while they report work, then waits for the interval or a nudge', async () => {
    let work = 3;
    let passes = 0;
    const loop = new PollingLoop(
      10_000,
      async () => {
        passes++;
        return work-- > 0;
      },
      () => undefined,
    );
    loop.start();
    await tick(50);
    expect(passes).toBe(4); // three busy passes, then one idle pass; now asleep for 10 s
    loop.nudge();
    await tick(50);
    expect(passes).toBe(5);
    await loop.stop();
  });

  it('serves nudges within the gap by one pass, the first nudge after a quiet spell at once', async () => {
    let passes = 0;
    const loop = new PollingLoop(
      10_000,
      async () => {
        passes++;
        return false;
      },
      () => undefined,
      300,
    );
    loop.start();
    await tick(400); // the first pass, then asleep; the gap has passed
    expect(passes).toBe(1);
    loop.nudge();
    await tick(50);
    expect(passes).toBe(2);
    for (let i = 0; i < 5; i++) loop.nudge(); // within the gap of the pass just run: one more pass, later
    await tick(50);
    expect(passes).toBe(2);
    await tick(400);
    expect(passes).toBe(3);
    await loop.stop();
  });

  it('reports a failing pass and keeps going', async () => {
    const errors: unknown[] = [];
    let passes = 0;
    const loop = new PollingLoop(
      5,
      async () => {
        passes++;
        if (passes === 1) throw new Error('database away');
        return false;
      },
      (e) => errors.push(e),
    );
    loop.start();
    await tick(60);
    await loop.stop();
    expect((errors[0] as Error).message).toBe('database away');
    expect(passes).toBeGreaterThan(2);
  });

  it('lets a pass see that the loop is stopping, and stop() waits for it', async () => {
    let sawStopping = false;
    let release: () => void = () => undefined;
    const loop = new PollingLoop(
      10_000,
      async (isStopping) => {
        await new Promise<void>((r) => (release = r));
        sawStopping = isStopping();
        return false;
      },
      () => undefined,
    );
    loop.start();
    await tick(10);
    const stopped = loop.stop();
    release();
    await stopped;
    expect(sawStopping).toBe(true);
  });

  it('waits the idle interval after an idle pass, the poll interval after a quiet one; a nudge wakes either', async () => {
    const outcomes: ('idle' | false)[] = ['idle', false, 'idle', 'idle'];
    let passes = 0;
    const loop = new PollingLoop(
      100,
      async () => outcomes[passes++] ?? 'idle',
      () => undefined,
      0,
      1000,
    );
    loop.start();
    await tick(50);
    expect(passes).toBe(1); // idle: asleep for 1 s, not 100 ms
    await tick(300);
    expect(passes).toBe(1);
    loop.nudge(); // a run fanned out: at once
    await tick(50);
    expect(passes).toBe(2); // quiet (false): the next after 100 ms
    await tick(150);
    expect(passes).toBe(3);
    await tick(300);
    expect(passes).toBe(3); // idle again: 1 s
    await loop.stop();
  });
});
