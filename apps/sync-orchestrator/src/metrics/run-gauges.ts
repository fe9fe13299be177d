import { Inject, Injectable } from '@nestjs/common';
import { gauge, METRICS_REGISTRY, onScrape } from '@practice-sync/observability';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/** One cheap query per scrape (the partial index on running runs): active runs and the stalest running one. */
export const RUN_GAUGES_SQL = `SELECT
  count(*) FILTER (WHERE status = 'queued')::int AS queued,
  count(*) FILTER (WHERE status = 'running')::int AS running,
  coalesce(max(extract(epoch FROM now() - updated_at)) FILTER (WHERE status = 'running'), 0)::float8 AS stalled
  FROM sync_runs WHERE status IN ('queued', 'running')`;

export interface RunGaugeValues {
  queued: number;
  running: number;
  stalledSeconds: number;
}

export function runGaugeValues(result: unknown): RunGaugeValues {
  const row = (Array.isArray(result) ? result[0] : undefined) as Record<string, unknown> | undefined;
  return {
    queued: Number(row?.['queued'] ?? 0),
    running: Number(row?.['running'] ?? 0),
    stalledSeconds: Math.max(0, Number(row?.['stalled'] ?? 0)),
  };
}

/**
 * Gauges read on scrape from `sync_runs`: runs queued and running, and the longest a running run has gone
 * without progress (its row moves with every result, page of fan-out and status change): what "stuck" means.
 */
@Injectable()
export class RunGauges {
  constructor(@Inject(METRICS_REGISTRY) registry: Registry, dataSource: DataSource) {
    const active = gauge(registry, 'sync_runs_active', 'Sync runs queued or running, by status', ['status']);
    const stalled = gauge(
      registry,
      'sync_run_stalled_seconds',
      'Longest time a running sync run has gone without progress (seconds since its row last changed; 0 when none runs)',
    );
    const read = () => dataSource.query(RUN_GAUGES_SQL).then(runGaugeValues, () => null);
    onScrape(active, async () => {
      const v = await read();
      active.reset();
      if (v) for (const status of ['queued', 'running'] as const) active.set({ status }, v[status]);
    });
    onScrape(stalled, async () => {
      const v = await read();
      if (v) stalled.set(v.stalledSeconds);
    });
  }
}
