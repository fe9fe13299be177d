import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * How often the event-loop lag (`nodejs_eventloop_lag_*`) is sampled, in ms. prom-client's default, 10 ms, wakes
 * an idle process 100 times a second: 0.41% of a core per process, about a fifth of what the services spend at
 * rest (issue 26). At 50 ms it costs 0.09% and still catches every stall of 50 ms or more, and shorter ones in
 * proportion to their length.
 */
export const EVENT_LOOP_SAMPLE_MS = 50;

/** A Prometheus registry with Node default metrics and a constant `service` label on every series. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return registry;
}

/** Returns the metric registered under `name`, creating it once (safe to call from many places). */
export function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

export function gauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Gauge<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

export function histogram<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  buckets: number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
): Histogram<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Histogram<L>;
  return new Histogram({ name, help, labelNames, buckets, registers: [registry] });
}

/**
 * Has `metric` compute its value when Prometheus scrapes (prom-client's `collect`), for a figure that is cheap
 * to read on demand (a pool counter, one grouped query, a few Kafka offsets) rather than kept up to date.
 * A `collect` that throws fails the whole scrape: catch and reset inside it instead.
 */
export function onScrape<L extends string>(metric: Gauge<L>, collect: () => void | Promise<void>): Gauge<L> {
  (metric as Gauge<L> & { collect?: () => void | Promise<void> }).collect = collect;
  return metric;
}
