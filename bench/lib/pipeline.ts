/**
 * One measured sync run through the whole platform: every service as its own process (startStack), real Kafka
 * and PostgreSQL, the sandbox as the portals. Clients are imported through the gateway's CSV import; the clock
 * runs from `POST /v1/sync-runs` to the run's `finishedAt`. Used by the pipeline, portal-bound and scale
 * benches so they measure the same thing the same way.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Category } from '@practice-sync/contracts';
import { ALL_TOPICS, portalOf } from '@practice-sync/contracts';
import type { ServiceName, StackHandle } from '@practice-sync/testing';
import {
  kafkaAnswers,
  postgresAnswers,
  SERVICE_NAMES,
  startStack,
  withDatabase,
} from '@practice-sync/testing';
import { Client } from 'pg';

import {
  cpuSecondsByName,
  cpuSecondsOf,
  machineCpuSeconds,
  postgresCpuByApplication,
  postgresCpuDelta,
} from './cpu';
import { CSV_HEADER, csvRow } from './identities';
import type { PostgresWork } from './postgres-work';
import { postgresWork, postgresWorkPerJob } from './postgres-work';
import type { CarriedLoad } from './raw-chain';
import { carriedFromTopicSizes } from './raw-chain';
import { topicSizes } from './topic-sizes';

const ROOT = join(__dirname, '..', '..');
const IMPORT_CHUNK = 5_000;

/** Every category of the platform (one job per client each: the clients have one GSTIN, a PAN and a file). */
export const EVERY_CATEGORY = ['gst.all', 'itr.all', 'esign.signature_timestamps'];

export interface Infrastructure {
  kafkaBrokers: string;
  /** URL of the PostgreSQL server's maintenance database; benches make their own databases beside it. */
  serverUrl: string;
}

/** Kafka and PostgreSQL from the environment, else the local ones (deploy/local/infra.sh starts them if down). */
export async function infrastructure(): Promise<Infrastructure> {
  const kafkaBrokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const serverUrl = withDatabase(
    process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    'postgres',
  );
  if (!(await kafkaAnswers(kafkaBrokers.split(','))) || !(await postgresAnswers(serverUrl))) {
    execFileSync('bash', ['deploy/local/infra.sh', 'up'], { cwd: ROOT, stdio: 'inherit' });
  }
  return { kafkaBrokers, serverUrl };
}

/** A database and topic prefix of its own for one measurement, dropped afterwards. */
export async function withScratchDatabase<T>(
  infra: Infrastructure,
  label: string,
  fn: (databaseUrl: string, topicPrefix: string) => Promise<T>,
): Promise<T> {
  const database = `bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: infra.serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  try {
    return await fn(withDatabase(infra.serverUrl, database), `${database}.`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

export interface PipelineOptions {
  clients: number;
  categories?: string[];
  /** Sandbox latency floor per portal request (ms); 0 = as fast as the sandbox answers. */
  latencyMs?: number;
  /** false: every portal answer takes exactly latencyMs (no random tail). */
  latencyTail?: boolean;
  /** After the run: what its topics carried and how long client-master took to apply every record. */
  measureCarried?: boolean;
  /** Extra environment for every service (dispatch caps, worker counts). */
  env?: Record<string, string>;
  /** The run's periods (`period` of POST /v1/sync-runs); the orchestrator's defaults (today's) when absent. */
  period?: { gst?: string; itr?: string };
  /** Processes per service (startStack's `replicas`), e.g. `{ 'connector-gst': 2 }`. */
  replicas?: Partial<Record<ServiceName, number>>;
  onProgress?: (line: string) => void;
  /** Write a V8 CPU profile of every service into this directory (bench/lib/cpu-profile.js). */
  cpuProfileDir?: string;
}

export interface PipelineResult {
  clients: number;
  jobs: number;
  seconds: number;
  jobsPerSecond: number;
  /** Dispatched → result recorded by the orchestrator, per job (ms). */
  p50Ms: number;
  p99Ms: number;
  totals: Record<string, number>;
  /** Peak resident set (VmHWM) of each service process at the end of the run, MB. */
  peakRssMb: Record<string, number>;
  /** CPU seconds (user + system) each service spent between `POST /v1/sync-runs` and the run's end. */
  cpuSeconds: Record<string, number>;
  /** Share of the machine's CPU (all cores) that was busy during the run, 0..1: Kafka and PostgreSQL included. */
  machineBusyShare: number;
  /** Busy CPU seconds of the whole machine during the run. */
  machineBusySeconds: number;
  /** CPU seconds of the Kafka broker (java) and PostgreSQL (every postgres process) during the run. */
  infraCpuSeconds: { kafka: number; postgres: number };
  /** PostgreSQL backends' CPU seconds during the run, by the `application_name` that connected them. */
  postgresCpuByService: Record<string, number>;
  /** PostgreSQL's own counters during the run, per job: transactions, active time, rows by schema. */
  postgresPerJob: PostgresWork;
  portalRequests: Record<string, number>;
  /** Mean portal call as each connector timed it (`connector_portal_request_seconds`), ms. */
  portalCallMeanMs: Record<string, number>;
  /** Mean dispatch step during the run (`sync_dispatch_pass_seconds`), ms. */
  dispatchMeanMs: number;
  /** Requests every service sent to Kafka during the run, per job, by API (`messaging_kafka_requests_total`). */
  kafkaRequestsPerJob: Record<string, number>;
  /** PostgreSQL transactions each service ended during the run, per job (`db_transactions_total`), and `total`. */
  transactionsPerJob: Record<string, number>;
  /** PostgreSQL statements each service sent during the run, per job (`db_statements_total`), and `total`. */
  statementsPerJob: Record<string, number>;
  /** Kafka messages each service published during the run, per job, by topic (`messaging_published_total`). */
  publishedPerJob: Record<string, number>;
  status: string;
  /** What the run's topics carried (for the raw chain), when measureCarried. */
  carried?: CarriedLoad;
  /** Seconds after the run's end until client-master had applied every record change, when measureCarried. */
  recordsCatchUpSeconds?: number;
  /** Per category: jobs, median and slowest dispatched → recorded (ms), failures by error code. */
  byCategory: Record<string, { jobs: number; p50Ms: number; maxMs: number; failed: Record<string, number> }>;
}

interface RunView {
  id: string;
  status: string;
  totals: Record<string, number>;
  finishedAt: string | null;
}

async function api<T>(stack: StackHandle, key: string, method: string, path: string, body?: unknown) {
  const csv = typeof body === 'string';
  const res = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': csv ? 'text/csv' : 'application/json' }),
    },
    body: body === undefined ? undefined : csv ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(600_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Peak resident set size of a live process, MB (Linux VmHWM). */
export function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

/**
 * `BENCH_REPLICAS`, e.g. `connector-gst=2,connector-itr=1`: processes per service for a measured stack.
 * Throws naming the bad entry and the accepted form.
 */
export function replicasFromEnv(value: string | undefined): Partial<Record<ServiceName, number>> {
  const replicas: Partial<Record<ServiceName, number>> = {};
  for (const entry of (value ?? '').split(',').filter((e) => e.trim() !== '')) {
    const [name, count] = entry.split('=').map((p) => p.trim());
    if (!(SERVICE_NAMES as readonly string[]).includes(name) || !/^\d+$/.test(count ?? '')) {
      throw new Error(
        `BENCH_REPLICAS: "${entry}" is not <service>=<count> with a service of ${SERVICE_NAMES.join(', ')}`,
      );
    }
    replicas[name as ServiceName] = Number(count);
  }
  return replicas;
}

/** Imports `clients` clients through the gateway, in chunks the import accepts. */
export async function importClients(stack: StackHandle, key: string, clients: number, tag = 'bench') {
  for (let from = 0; from < clients; from += IMPORT_CHUNK) {
    const rows: string[] = [CSV_HEADER];
    for (let n = from; n < Math.min(clients, from + IMPORT_CHUNK); n++) rows.push(csvRow(n, tag));
    const result = await api<{ totals: { created: number; updated: number; error: number } }>(
      stack,
      key,
      'POST',
      '/v1/clients/import',
      `${rows.join('\n')}\n`,
    );
    if (result.totals.error > 0) throw new Error(`import: ${JSON.stringify(result.totals)}`);
  }
}

/** Starts a stack, imports the clients, runs one sync over all of them and measures it. */
export async function measurePipeline(infra: Infrastructure, opts: PipelineOptions): Promise<PipelineResult> {
  const log = opts.onProgress ?? (() => undefined);
  return withScratchDatabase(infra, 'pipeline', async (databaseUrl, topicPrefix) => {
    const stack = await startStack({
      // Throughput of the pipeline, not access: identifiers without stored access are fetched.
      access: 'lax',
      // A machine shared with other work may take minutes to boot seven services.
      readyTimeoutMs: 600_000,
      kafkaBrokers: infra.kafkaBrokers,
      databaseUrl,
      topicPrefix,
      logPrefix: 'bench-',
      logLevel: 'warn',
      replicas: opts.replicas,
      env: {
        RATE_LIMIT_POINTS: '1000000000',
        // Every service's pg client counts its statements and transactions (libs/persistence).
        DB_STATEMENT_COUNTS: 'true',
        ...opts.env,
        ...(opts.cpuProfileDir
          ? {
              NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile.js')}`,
              CPU_PROFILE_DIR: opts.cpuProfileDir,
            }
          : {}),
      },
    });
    const db = new Client({ connectionString: databaseUrl, application_name: 'bench' });
    await db.connect();
    try {
      const firm = await stack.createFirmWithAdmin('Bench Associates');
      const key = firm.adminApiKey;
      log(`importing ${opts.clients} clients`);
      await importClients(stack, key, opts.clients);
      for (const portal of ['gst', 'itr', 'esign']) {
        const res = await fetch(`${stack.sandboxUrl}/_sandbox/faults/${portal}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ latencyMs: opts.latencyMs ?? 0, latencyTail: opts.latencyTail ?? true }),
        });
        if (!res.ok) throw new Error(`sandbox faults ${portal}: ${res.status}`);
      }
      const cpuAtStart = Object.fromEntries(
        Object.entries(stack.pids()).map(([name, pid]) => [name, cpuSecondsOf(pid)]),
      );
      const machineAtStart = machineCpuSeconds();
      const infraAtStart = { kafka: cpuSecondsByName('java'), postgres: cpuSecondsByName('postgres') };
      const postgresAtStart = await postgresCpuByApplication(db);
      const workAtStart = await postgresWork(db);
      const kafkaRequestsAtStart = await kafkaRequestsByApi(stack.urls);
      const transactionsAtStart = await totalsByService(stack.urls, 'db_transactions_total');
      const statementsAtStart = await totalsByService(stack.urls, 'db_statements_total');
      const publishedAtStart = await publishedByTopic(stack.urls, topicPrefix);
      const dispatchAtStart = await histogramTotals(stack.urls['sync-orchestrator'], DISPATCH_HISTOGRAM);
      const t0 = performance.now();
      const run = await api<RunView>(stack, key, 'POST', '/v1/sync-runs', {
        clients: { all: true },
        categories: opts.categories ?? EVERY_CATEGORY,
        ...(opts.period ? { period: opts.period } : {}),
      });
      let view = run;
      let lastLog = 0;
      while (view.finishedAt === null) {
        await new Promise((r) => setTimeout(r, 250));
        view = await api<RunView>(stack, key, 'GET', `/v1/sync-runs/${run.id}`);
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          log(`${((performance.now() - t0) / 1000).toFixed(0)} s: ${JSON.stringify(view.totals)}`);
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      const pids = stack.pids();
      const cpu: Record<string, number> = {};
      for (const [name, pid] of Object.entries(pids)) {
        cpu[name] = Math.round((cpuSecondsOf(pid) - cpuAtStart[name]) * 10) / 10;
      }
      const machineAtEnd = machineCpuSeconds();
      const postgresByService = postgresCpuDelta(postgresAtStart, await postgresCpuByApplication(db));
      const infraCpu = {
        kafka: Math.round((cpuSecondsByName('java') - infraAtStart.kafka) * 10) / 10,
        postgres: Math.round((cpuSecondsByName('postgres') - infraAtStart.postgres) * 10) / 10,
      };
      const machineBusy = machineAtEnd.busy - machineAtStart.busy;
      const machineBusyShare = machineBusy / (machineBusy + machineAtEnd.idle - machineAtStart.idle);
      log(
        `CPU seconds during the run: ${JSON.stringify(cpu)}; infrastructure ${JSON.stringify(infraCpu)}; whole machine ${machineBusy.toFixed(0)} s busy (${(machineBusyShare * 100).toFixed(0)}%)`,
      );
      log(
        `PostgreSQL CPU seconds by connecting service (backends that closed during the run are missed): ${JSON.stringify(postgresByService)}`,
      );
      // Each backend flushes its counters at most once a second: wait for the last ones.
      await new Promise((r) => setTimeout(r, 1500));
      const workAtEnd = await postgresWork(db);
      log(
        `PostgreSQL sessions opened during the run: ${workAtEnd.sessions - workAtStart.sessions} (pg_stat_database.sessions; each new backend starts with cold caches)`,
      );
      const postgresPerJob = postgresWorkPerJob(workAtStart, workAtEnd, view.totals['jobs'] ?? 0);
      log(
        `PostgreSQL work per job: ${postgresPerJob.transactions} transactions, ${postgresPerJob.activeMs} ms active (pg_stat_database); rows by schema (pg_stat_user_tables): ${JSON.stringify(postgresPerJob.bySchema)}`,
      );
      const kafkaRequestsPerJob = perJob(
        countDelta(kafkaRequestsAtStart, await kafkaRequestsByApi(stack.urls)),
        view.totals['jobs'] ?? 0,
      );
      log(`Kafka requests per job, by API: ${JSON.stringify(kafkaRequestsPerJob)}`);
      const transactionsPerJob = perJob(
        countDelta(transactionsAtStart, await totalsByService(stack.urls, 'db_transactions_total')),
        view.totals['jobs'] ?? 0,
      );
      const statementsPerJob = perJob(
        countDelta(statementsAtStart, await totalsByService(stack.urls, 'db_statements_total')),
        view.totals['jobs'] ?? 0,
      );
      log(
        `PostgreSQL transactions per job, by service (db_transactions_total): ${JSON.stringify(transactionsPerJob)}; statements per job: ${JSON.stringify(statementsPerJob)}`,
      );
      const publishedPerJob = perJob(
        countDelta(publishedAtStart, await publishedByTopic(stack.urls, topicPrefix)),
        view.totals['jobs'] ?? 0,
      );
      log(
        `Kafka messages published per job, by service and topic (messaging_published_total): ${JSON.stringify(publishedPerJob)}`,
      );
      log(
        `messages per consumer transaction, mean by group: ${JSON.stringify(await meanBatchSizes(stack.urls))}`,
      );
      const dispatchAtEnd = await histogramTotals(stack.urls['sync-orchestrator'], DISPATCH_HISTOGRAM);
      const dispatchCount = dispatchAtEnd.count - dispatchAtStart.count;
      const dispatchMeanMs =
        dispatchCount > 0 ? (1000 * (dispatchAtEnd.sum - dispatchAtStart.sum)) / dispatchCount : 0;
      log(
        `dispatch steps during the run: ${dispatchCount} (${(dispatchCount / Math.max(1, view.totals['jobs'] ?? 0)).toFixed(2)} per job), mean ${dispatchMeanMs.toFixed(1)} ms (sync_dispatch_pass_seconds)`,
      );
      const portalCallMeanMs: Record<string, number> = {};
      for (const portal of ['gst', 'itr', 'esign'] as const) {
        const mean = await meanPortalCallMs(stack.urls[`connector-${portal}`]);
        if (mean !== null) portalCallMeanMs[portal] = Math.round(mean);
      }
      // Before the profiles are taken: SIGUSR2 also stops the services (Nest's shutdown hooks listen to it).
      const stats = (await (await fetch(`${stack.sandboxUrl}/_sandbox/stats`)).json()) as {
        portals: Record<string, { requests: number }>;
      };
      // Read while every service still runs: a profiled one stops on SIGUSR2.
      const peak: Record<string, number> = {};
      for (const [name, pid] of Object.entries(pids)) peak[name] = peakRssMb(pid);
      if (opts.cpuProfileDir) {
        for (const pid of Object.values(pids)) process.kill(pid, 'SIGUSR2');
        await new Promise((r) => setTimeout(r, 3000));
      }
      const latencies = (
        await db.query<{ ms: number }>(
          `SELECT extract(epoch FROM finished_at - dispatched_at) * 1000 AS ms
             FROM sync_orchestrator.sync_jobs
            WHERE run_id = $1 AND dispatched_at IS NOT NULL AND finished_at IS NOT NULL`,
          [run.id],
        )
      ).rows
        .map((r) => Number(r.ms))
        .sort((a, b) => a - b);
      const byCategory: PipelineResult['byCategory'] = {};
      const perCategory = await db.query<{ category: string; jobs: number; p50: number; max: number }>(
        `SELECT category, count(*)::int AS jobs,
                percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - dispatched_at) * 1000) AS p50,
                max(extract(epoch FROM finished_at - dispatched_at) * 1000) AS max
           FROM sync_orchestrator.sync_jobs WHERE run_id = $1 GROUP BY category ORDER BY category`,
        [run.id],
      );
      for (const r of perCategory.rows) {
        byCategory[r.category] = {
          jobs: r.jobs,
          p50Ms: Math.round(r.p50),
          maxMs: Math.round(r.max),
          failed: {},
        };
      }
      const failures = await db.query<{ category: string; code: string; n: number }>(
        `SELECT category, coalesce(error_code, '?') AS code, count(*)::int AS n FROM sync_orchestrator.sync_jobs
          WHERE run_id = $1 AND outcome = 'failed' GROUP BY 1, 2`,
        [run.id],
      );
      for (const f of failures.rows) byCategory[f.category].failed[f.code] = f.n;
      const jobsByPortal: Record<string, number> = {};
      for (const [category, c] of Object.entries(byCategory)) {
        const portal = portalOf(category as Category);
        jobsByPortal[portal] = (jobsByPortal[portal] ?? 0) + c.jobs;
      }
      const requestsPerJob = Object.entries(stats.portals).map(([portal, { requests }]) => [
        portal,
        Math.round((100 * requests) / Math.max(1, jobsByPortal[portal] ?? 0)) / 100,
      ]);
      log(`portal requests per job (sandbox count): ${JSON.stringify(Object.fromEntries(requestsPerJob))}`);
      const failedBy = failures.rows.map((f) => `${f.category} ${f.code} ${f.n}`);
      log(`failed jobs by category and code: ${failedBy.join(', ') || 'none'}`);
      let carried: CarriedLoad | undefined;
      let recordsCatchUpSeconds: number | undefined;
      if (opts.measureCarried) {
        // client-master applies records after the run ends; wait until its change count stops moving.
        const tEnd = performance.now();
        let last = -1;
        let stableSince = performance.now();
        for (;;) {
          const n = Number(
            (await db.query<{ n: string }>('SELECT count(*) AS n FROM client_master.record_changes')).rows[0]
              .n,
          );
          if (n !== last) {
            last = n;
            stableSince = performance.now();
          } else if (performance.now() - stableSince > 5_000) break;
          await new Promise((r) => setTimeout(r, 1000));
        }
        recordsCatchUpSeconds = Math.max(0, (stableSince - tEnd) / 1000);
        const sizes = await topicSizes(
          infra.kafkaBrokers.split(','),
          ALL_TOPICS.map((t) => `${topicPrefix}${t}`),
        );
        carried = carriedFromTopicSizes(sizes, topicPrefix, view.totals['jobs'] ?? 0, last);
        log(`carried: ${JSON.stringify(carried)}`);
      }
      const jobs = view.totals['jobs'] ?? 0;
      return {
        clients: opts.clients,
        jobs,
        seconds,
        jobsPerSecond: jobs / seconds,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        totals: view.totals,
        peakRssMb: peak,
        cpuSeconds: cpu,
        machineBusyShare,
        machineBusySeconds: Math.round(machineBusy * 10) / 10,
        infraCpuSeconds: infraCpu,
        postgresCpuByService: postgresByService,
        postgresPerJob,
        portalCallMeanMs,
        dispatchMeanMs,
        kafkaRequestsPerJob,
        transactionsPerJob,
        statementsPerJob,
        publishedPerJob,
        portalRequests: Object.fromEntries(Object.entries(stats.portals).map(([k, v]) => [k, v.requests])),
        status: view.status,
        byCategory,
        carried,
        recordsCatchUpSeconds,
      };
    } finally {
      await db.end().catch(() => undefined);
      await stack.stop();
    }
  });
}

/** A service's `/metrics` text. */
export async function scrapeMetrics(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

/** The series of one metric name in a `/metrics` text: the label text inside `{}` and the value of each. */
export function metricSeries(text: string, name: string): { labels: string; value: number }[] {
  const series: { labels: string; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.indexOf('} ', name.length);
    if (close < 0) continue;
    series.push({ labels: line.slice(name.length + 1, close), value: Number(line.slice(close + 2)) });
  }
  return series;
}

/** Every service's `messaging_kafka_requests_total`, summed by API (the key `<api>` and `<service>.<api>`). */
async function kafkaRequestsByApi(urls: Record<string, string>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const [service, url] of Object.entries(urls)) {
    const text = await scrapeMetrics(url);
    for (const { labels, value } of metricSeries(text, 'messaging_kafka_requests_total')) {
      const api = /api="([^"]+)"/.exec(labels)?.[1];
      if (!api) continue;
      for (const key of [api, `${service}.${api}`]) counts.set(key, (counts.get(key) ?? 0) + value);
    }
  }
  return counts;
}

/**
 * A per-process total (`db_transactions_total`, `db_statements_total`: no labels but `service`) of every
 * service, keyed by service, plus `total` (the first process of each service: `urls` names no replica).
 */
async function totalsByService(urls: Record<string, string>, name: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const [service, url] of Object.entries(urls)) {
    const value = metricSeries(await scrapeMetrics(url), name).reduce((n, s) => n + s.value, 0);
    counts.set(service, (counts.get(service) ?? 0) + value);
    counts.set('total', (counts.get('total') ?? 0) + value);
  }
  return counts;
}

/** Every service's `messaging_published_total`, keyed `<service> → <topic>` (the topic without its prefix). */
async function publishedByTopic(
  urls: Record<string, string>,
  topicPrefix: string,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const [service, url] of Object.entries(urls)) {
    for (const { labels, value } of metricSeries(await scrapeMetrics(url), 'messaging_published_total')) {
      const topic = /topic="([^"]+)"/.exec(labels)?.[1];
      if (!topic) continue;
      const key = `${service} → ${topic.startsWith(topicPrefix) ? topic.slice(topicPrefix.length) : topic}`;
      counts.set(key, (counts.get(key) ?? 0) + value);
    }
  }
  return counts;
}

function countDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)]));
}

function perJob(counts: Map<string, number>, jobs: number): Record<string, number> {
  const entries = [...counts].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(entries.map(([k, n]) => [k, Math.round((100 * n) / Math.max(1, jobs)) / 100]));
}

/** The orchestrator's timing of each dispatch step. */
const DISPATCH_HISTOGRAM = 'sync_dispatch_pass_seconds';

/** Every service's `messaging_batch_size` histogram: the mean messages per consumer transaction, by group. */
async function meanBatchSizes(urls: Record<string, string>): Promise<Record<string, number>> {
  const means: Record<string, number> = {};
  for (const url of Object.values(urls)) {
    const text = await scrapeMetrics(url);
    const sums = new Map(metricSeries(text, 'messaging_batch_size_sum').map((s) => [s.labels, s.value]));
    for (const { labels, value: count } of metricSeries(text, 'messaging_batch_size_count')) {
      const group = /group="([^"]+)"/.exec(labels)?.[1];
      if (group && count > 0) means[group] = Math.round((10 * (sums.get(labels) ?? 0)) / count) / 10;
    }
  }
  return means;
}

/** A service's histogram `name` so far, over every label: how many observations, and their sum. */
async function histogramTotals(url: string, name: string): Promise<{ count: number; sum: number }> {
  const text = await scrapeMetrics(url);
  const total = (series: 'sum' | 'count') =>
    metricSeries(text, `${name}_${series}`).reduce((n, s) => n + s.value, 0);
  return { count: total('count'), sum: total('sum') };
}

/** The mean of a connector's `connector_portal_request_seconds` histogram, over every category, in ms. */
async function meanPortalCallMs(url: string): Promise<number | null> {
  const { count, sum } = await histogramTotals(url, 'connector_portal_request_seconds');
  return count > 0 ? (1000 * sum) / count : null;
}
