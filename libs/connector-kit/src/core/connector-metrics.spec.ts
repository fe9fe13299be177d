import { Registry } from 'prom-client';

import { ConnectorMetrics } from './connector-metrics';

describe('ConnectorMetrics.watchAccess', () => {
  it('reports identifiers by access status on scrape', async () => {
    const registry = new Registry();
    const metrics = new ConnectorMetrics(registry, 'gst');
    metrics.watchAccess(async () => ({ ok: 4, otp_required: 2, expiring: 1, failed: 0 }));
    const text = await registry.metrics();
    expect(text).toContain('connector_portal_access{portal="gst",status="otp_required"} 2');
    expect(text).toContain('connector_portal_access{portal="gst",status="expiring"} 1');
  });

  it('reports nothing rather than stale figures when the count fails', async () => {
    const registry = new Registry();
    new ConnectorMetrics(registry, 'itr').watchAccess(() => Promise.reject(new Error('db down')));
    const metric = await registry.getSingleMetric('connector_portal_access')?.get();
    expect(metric?.values).toEqual([]);
  });
});
