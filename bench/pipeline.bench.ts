/**
 * Issue 7, figures 1 and 3: the whole pipeline against its raw limit, at several sizes (the scale curve).
 * For each N (BENCH_SCALE, default 100,1000,10000 clients × 10 categories, sandbox at zero latency):
 *  - pipeline: every service as a process, `POST /v1/sync-runs` → the run's `finishedAt` (jobs/s), job latency
 *    dispatched → result recorded (p50/p99), peak RSS of each service, client-master's catch-up on records;
 *  - raw: the same hops, messages (counts and bytes measured on the run's own topics) and PostgreSQL writes as
 *    a bare kafkajs + pg chain (bench/lib/raw-chain.ts), right after, on the same machine;
 *  - headline (issue 26): ratio (all work), both clocks stopped when every record is applied, with the ceiling;
 *    ratio = pipeline jobs/s ÷ raw jobs/s stays as a secondary figure (the largest N measured is printed last);
 *  - PostgreSQL transactions per job by service, Kafka messages per job by topic, CPU per process.
 */
import { cpus } from 'node:os';

import { ratioCeiling } from './lib/ceiling';
import type { PipelineResult } from './lib/pipeline';
import { infrastructure, measurePipeline, replicasFromEnv, withScratchDatabase } from './lib/pipeline';
import { rawChain } from './lib/raw-chain';
import { BENCH_WORLD, ZERO_LATENCY_ENV } from './lib/zero-latency';
import type { Figure } from './run';

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function run(): Promise<Omit<Figure, 'bench'>[]> {
  const sizes = (process.env['BENCH_SCALE'] ?? '100,1000,10000').split(',').map(Number);
  const replicas = replicasFromEnv(process.env['BENCH_REPLICAS']);
  const infra = await infrastructure();
  const figures: Omit<Figure, 'bench'>[] = [];
  let headline: { n: number; ratio: number; allWork: number; ceiling: number } | undefined;
  for (const clients of sizes) {
    const log = (line: string) => console.log(`  [${clients} clients] ${line}`);
    const pipe: PipelineResult = await measurePipeline(infra, {
      clients,
      env: { ...ZERO_LATENCY_ENV, ...BENCH_WORLD.env },
      period: BENCH_WORLD.period,
      measureCarried: true,
      replicas,
      onProgress: log,
      // BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of every service per size (bench/README.md, "Profiling").
      cpuProfileDir: process.env['BENCH_CPU_PROFILE']
        ? `${process.env['BENCH_CPU_PROFILE']}/${clients}-clients`
        : undefined,
    });
    if (!pipe.carried) throw new Error('the pipeline run did not measure what it carried');
    const carried = pipe.carried;
    const raw = await withScratchDatabase(infra, 'raw', (databaseUrl, topicPrefix) =>
      rawChain({
        kafkaBrokers: infra.kafkaBrokers.split(','),
        databaseUrl,
        topicPrefix,
        jobs: pipe.jobs,
        carried,
        log,
      }),
    );
    const ratio = pipe.jobsPerSecond / raw.jobsPerSecond;
    // The raw chain's clock stops at its last result while its client-master side may still be applying records;
    // the pipeline's records land within its own time (recordsCatchUpSeconds). This one compares all the work.
    const allWorkRatio =
      pipe.jobs / (pipe.seconds + (pipe.recordsCatchUpSeconds ?? 0)) / (raw.jobs / raw.allWorkSeconds);
    // What a pipeline with no cost beyond the raw chain's and the simulated portal's could reach here.
    const ceiling = ratioCeiling({
      cores: cpus().length,
      jobs: pipe.jobs,
      rawJobsPerSecond: raw.jobsPerSecond,
      rawAllWorkSeconds: raw.allWorkSeconds,
      rawBusySeconds: raw.machineBusySeconds,
      rawBusyAtCompletionSeconds: raw.machineBusyAtCompletionSeconds,
      sandboxSeconds: pipe.cpuSeconds['portal-sandbox'] ?? NaN,
      pipelineBusySeconds: pipe.machineBusySeconds,
    });
    headline = { n: clients, ratio, allWork: allWorkRatio, ceiling: ceiling.ratioAllWork };
    const tag = `${clients.toLocaleString('en-US')} clients`;
    const outcome = `${pipe.status}: ${pipe.totals['succeeded']} succeeded, ${pipe.totals['failed']} failed (by the sandbox's design), ${pipe.totals['skipped']} skipped`;
    figures.push(
      // Issue 26's headline: both clocks stop when every record is applied; the ceiling is what a pipeline
      // with no cost of its own could reach against it on this machine, from the same run.
      {
        name: `${tag}: ratio (all work)`,
        value: round(allWorkRatio, 2),
        unit: 'pipeline ÷ raw',
        note: `target ≥ 0.5; ceiling on this machine ${round(ceiling.ratioAllWork, 2)} (a pipeline costing only the raw chain's and the sandbox's CPU)`,
      },
      {
        name: `${tag}: pipeline time`,
        value: round(pipe.seconds),
        unit: 's',
        note: `${pipe.jobs} jobs; ${outcome}`,
      },
      {
        name: `${tag}: pipeline throughput`,
        value: round(pipe.jobsPerSecond),
        unit: 'jobs/s',
        note: 'POST /v1/sync-runs → run finishedAt',
      },
      {
        name: `${tag}: job latency p50`,
        value: Math.round(pipe.p50Ms),
        unit: 'ms',
        note: 'dispatched → recorded',
      },
      {
        name: `${tag}: job latency p99`,
        value: Math.round(pipe.p99Ms),
        unit: 'ms',
        note: 'dispatched → recorded',
      },
      {
        name: `${tag}: dispatch step mean`,
        value: round(pipe.dispatchMeanMs, 2),
        unit: 'ms',
        note: 'sync_dispatch_pass_seconds during the run: should not grow with the number of clients',
      },
      {
        name: `${tag}: raw throughput`,
        value: round(raw.jobsPerSecond),
        unit: 'jobs/s',
        note: `bare kafkajs + pg, same hops/messages/writes; p50 ${Math.round(raw.p50Ms)} ms, p99 ${Math.round(raw.p99Ms)} ms`,
      },
      {
        name: `${tag}: ratio`,
        value: round(ratio, 2),
        unit: 'pipeline ÷ raw',
        note: "raw jobs/s: the raw chain's clock stops at its last result (secondary figure)",
      },
      {
        name: `${tag}: ratio, all work`,
        value: round(allWorkRatio, 2),
        unit: 'pipeline ÷ raw',
        note: `raw clock stopped when client-master had applied every record too (${round(raw.allWorkSeconds)} s, not ${round(raw.seconds)} s); the pipeline's records were applied ${round(pipe.recordsCatchUpSeconds ?? NaN)} s after its end`,
      },
      {
        name: `${tag}: ratio ceiling`,
        value: round(ceiling.ratio, 2),
        unit: 'pipeline ÷ raw',
        note: `a pipeline costing only the raw chain's CPU (records included) + the sandbox's, every core busy; ${round(ceiling.ratioRecordsDeferred, 2)} if it left its records for after the run, ${round(ceiling.ratioAllWork, 2)} against "ratio, all work"`,
      },
      {
        name: `${tag}: CPU beyond raw and sandbox`,
        value: round(ceiling.servicesOverheadPer1000, 1),
        unit: 's per 1,000 jobs',
        note: "whole machine, pipeline − raw − sandbox: the services' own cost, what the ratio measures",
      },
      {
        name: `${tag}: records applied after the run`,
        value: round(pipe.recordsCatchUpSeconds ?? NaN),
        unit: 's',
        note: `${carried.recordChanges} record changes; client-master's lag behind the run's end`,
      },
    );
    figures.push({
      name: `${tag}: PostgreSQL transactions per job`,
      value: pipe.transactionsPerJob['total'] ?? NaN,
      unit: 'per job',
      note: 'every service, counted by its pg client (db_transactions_total); target ≤ 3',
    });
    for (const [service, n] of Object.entries(pipe.transactionsPerJob)) {
      if (service === 'total') continue;
      figures.push({
        name: `${tag}: PostgreSQL transactions per job, ${service}`,
        value: n,
        unit: 'per job',
        note: `${pipe.statementsPerJob[service] ?? 0} statements per job`,
      });
    }
    for (const [sent, n] of Object.entries(pipe.publishedPerJob)) {
      figures.push({
        name: `${tag}: Kafka messages per job, ${sent}`,
        value: n,
        unit: 'per job',
        note: 'messaging_published_total',
      });
    }
    figures.push({
      name: `${tag}: CPU services' own`,
      value: round(ceiling.servicesOverheadPer1000, 1),
      unit: 's per 1,000 jobs',
      note: 'target ≤ 12: whole machine − raw chain − sandbox (same figure as "CPU beyond raw and sandbox")',
    });
    for (const [service, mb] of Object.entries(pipe.peakRssMb)) {
      figures.push({
        name: `${tag}: peak RSS ${service}`,
        value: mb ?? NaN,
        unit: 'MB',
        note: 'VmHWM at the end',
      });
    }
    for (const [service, seconds] of Object.entries(pipe.cpuSeconds)) {
      figures.push({
        name: `${tag}: CPU ${service}`,
        value: round((seconds ?? NaN) / (pipe.jobs / 1000), 2),
        unit: 's per 1,000 jobs',
        note: `${seconds} CPU s during the run (user + system)`,
      });
    }
    for (const [part, seconds] of Object.entries(pipe.infraCpuSeconds)) {
      figures.push({
        name: `${tag}: CPU ${part}`,
        value: round(seconds / (pipe.jobs / 1000), 2),
        unit: 's per 1,000 jobs',
        note: `${seconds} CPU s during the run (user + system)`,
      });
    }
    const perThousand = pipe.jobs / 1000;
    figures.push(
      {
        name: `${tag}: CPU whole machine, pipeline`,
        value: round(pipe.machineBusySeconds / perThousand, 1),
        unit: 's per 1,000 jobs',
        note: 'every process on the machine during the run: services, sandbox, Kafka, PostgreSQL, the bench',
      },
      {
        name: `${tag}: CPU whole machine, raw`,
        value: round(raw.machineBusySeconds / perThousand, 1),
        unit: 's per 1,000 jobs',
        note: 'the same, from the raw fan-out until its client-master side drained',
      },
    );
    figures.push({
      name: `${tag}: machine busy`,
      value: Math.round(pipe.machineBusyShare * 100),
      unit: '%',
      note: 'all cores, Kafka and PostgreSQL included, during the run',
    });
    console.log(
      `  [${clients} clients] ratio: ${ratio.toFixed(2)} (all work, records applied: ${allWorkRatio.toFixed(2)}); ` +
        `ceiling on this machine ${ceiling.ratio.toFixed(2)} (records deferred ${ceiling.ratioRecordsDeferred.toFixed(2)}, ` +
        `all work ${ceiling.ratioAllWork.toFixed(2)})`,
    );
  }
  if (headline) {
    // The first line of the pipeline's table: the largest size's ratio (all work), its ceiling beside it.
    const first = figures.findIndex(
      (f) => f.name === `${headline?.n.toLocaleString('en-US')} clients: ratio (all work)`,
    );
    if (first > 0) figures.unshift(...figures.splice(first, 1));
    console.log(
      `ratio (all work): ${headline.allWork.toFixed(2)}, ceiling ${headline.ceiling.toFixed(2)}; ratio: ${headline.ratio.toFixed(2)} (${headline.n} clients × 10 categories)`,
    );
  }
  return figures;
}
