import { Registry } from 'prom-client';

import { registerPoolMetrics } from './pool-metrics';

describe('pool metrics', () => {
  it('reports busy and idle connections and waiting queries from the pool counters', async () => {
    const registry = new Registry();
    registerPoolMetrics(registry, () => ({ totalCount: 10, idleCount: 3, waitingCount: 2 }));
    const text = await registry.metrics();
    expect(text).toContain('db_pool_connections{state="busy"} 7');
    expect(text).toContain('db_pool_connections{state="idle"} 3');
    expect(text).toContain('db_pool_waiting 2');
  });
});
