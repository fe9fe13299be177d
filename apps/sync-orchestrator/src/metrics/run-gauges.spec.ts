import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

import { OrchestratorMetrics } from './orchestrator.metrics';
import { RunGauges, runGaugeValues } from './run-gauges';

describe('run gauges', () => {
  it('maps the query row, with zeros when nothing runs', () => {
    expect(runGaugeValues([{ queued: 2, running: '1', stalled: '930.5' }])).toEqual({
      queued: 2,
      running: 1,
      stalledSeconds: 930.5,
    });
    expect(runGaugeValues([])).toEqual({ queued: 0, running: 0, stalledSeconds: 0 });
  });

  it('reports active runs and the stalest running run on scrape', async () => {
    const registry = new Registry();
    const db = { query: async () => [{ queued: 0, running: 3, stalled: 1200 }] } as unknown as DataSource;
    new RunGauges(registry, db);
    const text = await registry.metrics();
    expect(text).toContain('sync_runs_active{status="running"} 3');
    expect(text).toContain('sync_run_stalled_seconds 1200');
  });

  it('counts failures by code and observes job durations', async () => {
    const registry = new Registry();
    const metrics = new OrchestratorMetrics(registry);
    metrics.jobFinished('gst', 'failed', 12, 'portal_unavailable');
    metrics.jobFinished('gst', 'succeeded', 3, null);
    const text = await registry.metrics();
    expect(text).toContain('sync_jobs_failed_total{portal="gst",code="portal_unavailable"} 1');
    expect(text).toContain('sync_job_duration_seconds_count{portal="gst",outcome="succeeded"} 1');
  });
});
