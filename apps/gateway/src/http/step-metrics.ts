import { histogram } from '@practice-sync/observability';
import type { Histogram, Registry } from 'prom-client';

/** The steps of a public request the gateway times on its own (the rest is Nest, validation and serialisation). */
export type RequestStep = 'api_key' | 'rate_limit' | 'upstream';

export const STEP_METRIC = 'gateway_request_step_seconds';

/**
 * Time a public request spent in one step: `api_key` (who is calling: key or session), `rate_limit` (spending
 * one request of the budget) and `upstream` (an internal service's answer, until its headers are in). Finer
 * buckets than the HTTP histogram: these steps take from microseconds (a cache hit) to milliseconds.
 */
export function stepHistogram(registry: Registry): Histogram<'step'> {
  return histogram(
    registry,
    STEP_METRIC,
    'Time a public request spent in one gateway step (api_key, rate_limit, upstream)',
    ['step'],
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
}

/** Runs `work`, observing its duration under `step` (failures too: a refused key still took the time). */
export async function timed<T>(
  metric: Histogram<'step'> | undefined,
  step: RequestStep,
  work: () => Promise<T>,
): Promise<T> {
  if (!metric) return work();
  const started = process.hrtime.bigint();
  try {
    return await work();
  } finally {
    metric.observe({ step }, Number(process.hrtime.bigint() - started) / 1e9);
  }
}
