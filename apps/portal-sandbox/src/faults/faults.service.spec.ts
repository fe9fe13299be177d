import { drawLatency } from './fault-settings';
import { FaultsService } from './faults.service';

describe('FaultsService', () => {
  it('admits up to the limit per sliding minute, then says how long to wait', () => {
    const faults = new FaultsService(() => 0.5);
    faults.update('gst', { rateLimitPerMinute: 2 });
    const t0 = 1_000_000;
    expect(faults.admit('gst', t0)).toBeNull();
    expect(faults.admit('gst', t0 + 10_000)).toBeNull();
    expect(faults.admit('gst', t0 + 20_000)).toBe(40); // the first leaves the window at t0 + 60 s
    expect(faults.admit('gst', t0 + 59_500)).toBe(1);
    expect(faults.admit('gst', t0 + 60_001)).toBeNull();
    expect(faults.admit('itr', t0)).toBeNull(); // other portals have no limit
  });

  it('treats a rate limit of 0 or null as no limit', () => {
    const faults = new FaultsService(() => 0.5);
    expect(faults.update('esign', { rateLimitPerMinute: 0 }).rateLimitPerMinute).toBeNull();
    for (let i = 0; i < 100; i++) expect(faults.admit('esign', 5)).toBeNull();
  });

  it('fails requests whose random draw falls under the error rate', () => {
    let draw = 0.3;
    const faults = new FaultsService(() => draw);
    expect(faults.shouldFail('gst')).toBe(false);
    faults.update('gst', { errorRate: 0.5 });
    expect(faults.shouldFail('gst')).toBe(true);
    draw = 0.7;
    expect(faults.shouldFail('gst')).toBe(false);
    faults.update('gst', { errorRate: 1 });
    draw = 0.999;
    expect(faults.shouldFail('gst')).toBe(true);
  });

  it('keeps unchanged settings when patched and clears all on reset', () => {
    const faults = new FaultsService(() => 0);
    faults.update('itr', { latencyMs: 100, outage: true });
    expect(faults.update('itr', { outage: false })).toEqual({
      latencyMs: 100,
      latencyTail: true,
      errorRate: 0,
      outage: false,
      rateLimitPerMinute: null,
    });
    faults.reset();
    expect(faults.get('itr').latencyMs).toBe(0);
  });

  it('draws latency from each family: never below the floor, heavier tails for GST than e-sign', () => {
    const draws = (portal: 'gst' | 'itr' | 'esign') =>
      Array.from({ length: 1000 }, (_, i) => drawLatency(portal, 100, (i + 0.5) / 1000));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const portal of ['gst', 'itr', 'esign'] as const) expect(Math.min(...draws(portal))).toBe(100);
    expect(mean(draws('gst'))).toBeGreaterThan(mean(draws('itr')));
    expect(mean(draws('itr'))).toBeGreaterThan(mean(draws('esign')));
    expect(Math.max(...draws('gst'))).toBeLessThanOrEqual(500);
    expect(drawLatency('gst', 0, 0.99)).toBe(0);
    // Without the tail, every draw is the floor.
    expect(new Set(Array.from({ length: 100 }, (_, i) => drawLatency('gst', 100, i / 100, false)))).toEqual(
      new Set([100]),
    );
  });
});
