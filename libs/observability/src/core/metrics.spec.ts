import perfHooks from 'node:perf_hooks';

import { createMetricsRegistry, EVENT_LOOP_SAMPLE_MS } from './metrics';

describe('createMetricsRegistry', () => {
  afterEach(() => jest.restoreAllMocks());

  it('samples the event-loop lag every EVENT_LOOP_SAMPLE_MS, not every 10 ms, and still reports it', async () => {
    const monitor = jest.spyOn(perfHooks, 'monitorEventLoopDelay');
    const registry = createMetricsRegistry('test-service');
    expect(EVENT_LOOP_SAMPLE_MS).toBe(50);
    expect(monitor).toHaveBeenCalledWith({ resolution: EVENT_LOOP_SAMPLE_MS });
    const text = await registry.metrics();
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds\{service="test-service"\} /m);
    registry.clear();
  });
});
