/**
 * Issue 7, figure 2: is a run bound by the portal, not by practice-sync? The sandbox answers every ITR call in
 * exactly 200 ms (no random tail) and the connector may have C calls in flight for the firm's account; a run
 * of one request per job (`itr.filing_status`) over N clients ideally takes N × 0.2 s ÷ C. The figure is
 * ideal ÷ actual as a percentage (target ≥ 90%). BENCH_PORTAL_CLIENTS (default 2000), BENCH_PORTAL_C (8),
 * BENCH_PORTAL_WORKERS (connector-itr's WORKER_CONCURRENCY, default 2 × C).
 */
import { infrastructure, measurePipeline } from './lib/pipeline';
import { ZERO_LATENCY_ENV } from './lib/zero-latency';
import type { Figure } from './run';

const LATENCY_MS = 200;

export async function run(): Promise<Omit<Figure, 'bench'>[]> {
  const clients = Number(process.env['BENCH_PORTAL_CLIENTS'] ?? 2000);
  const c = Number(process.env['BENCH_PORTAL_C'] ?? 8);
  const infra = await infrastructure();
  const result = await measurePipeline(infra, {
    clients,
    categories: ['itr.filing_status'],
    latencyMs: LATENCY_MS,
    latencyTail: false,
    env: {
      ...ZERO_LATENCY_ENV,
      PORTAL_ACCOUNT_CONCURRENCY: String(c),
      PORTAL_MAX_CONCURRENT_REQUESTS: String(c),
      WORKER_CONCURRENCY: process.env['BENCH_PORTAL_WORKERS'] ?? String(2 * c),
    },
    onProgress: (line) => console.log(`  [portal-bound] ${line}`),
    // BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of every service (bench/README.md, "Profiling").
    cpuProfileDir: process.env['BENCH_CPU_PROFILE']
      ? `${process.env['BENCH_CPU_PROFILE']}/portal-bound`
      : undefined,
  });
  const requests = result.portalRequests['itr'] ?? 0;
  const ideal = (requests * LATENCY_MS) / 1000 / c;
  const how = `${result.jobs} jobs, ${requests} ITR calls of exactly ${LATENCY_MS} ms, C = ${c}`;
  return [
    { name: 'portal-bound run time', value: Math.round(result.seconds * 10) / 10, unit: 's', note: how },
    {
      name: 'ideal (calls × 0.2 s ÷ C)',
      value: Math.round(ideal * 10) / 10,
      unit: 's',
      note: 'one call per job: the ideal is jobs × 0.2 s ÷ C',
    },
    {
      name: 'portal-bound efficiency',
      value: Math.round((1000 * ideal) / result.seconds) / 10,
      unit: '% of ideal',
      note: `target ≥ 90%; ${result.status}, ${result.totals['succeeded']} succeeded, ${result.totals['failed']} failed`,
    },
    {
      name: 'job latency p50',
      value: Math.round(result.p50Ms),
      unit: 'ms',
      note: 'dispatched → result recorded; the portal call itself is 200 ms',
    },
    { name: 'job latency p99', value: Math.round(result.p99Ms), unit: 'ms' },
    {
      name: 'portal call, as connector-itr timed it',
      value: result.portalCallMeanMs['itr'] ?? 0,
      unit: 'ms (mean)',
      note: 'the sandbox answers after 200 ms; the rest is time to be scheduled on a busy machine',
    },
    {
      name: 'whole-machine CPU per job',
      value: Math.round((1000 * result.machineBusySeconds) / Math.max(1, result.jobs)) / 1000,
      unit: 's',
      note: `${Math.round(result.machineBusyShare * 100)}% of both cores busy`,
    },
  ];
}
