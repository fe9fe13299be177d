/**
 * Gateway figures: `GET /v1/sync-runs/{id}` — the read a firm polls — at a fixed offered rate (200 requests/s
 * from 32 keep-alive connections, open loop: a request is sent on schedule whether or not earlier ones have
 * answered, and its latency counts from when it was due, so a slow answer cannot lower the offered rate or hide
 * its own queueing) through the real gateway (API-key check, shared rate limiter, forwarding) to the real
 * sync-orchestrator; the same read straight from the orchestrator at the same rate; where the gateway's time
 * goes (its own step histograms); and the CPU per request of the gateway, the orchestrator and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import { startStack, withDatabase } from '@practice-sync/testing';
import { Client } from 'pg';

import { cpuSecondsOf, postgresCpuByApplication, postgresCpuDelta } from './lib/cpu';
import { infrastructure } from './lib/pipeline';

const RATE = Number(process.env['BENCH_GATEWAY_RATE'] ?? 200);
const CONNECTIONS = 32;
const WARMUP_MS = 2000;
const PROFILE_DIR = process.env['BENCH_CPU_PROFILE'];
const DURATION_MS = Number(process.env['BENCH_GATEWAY_SECONDS'] ?? 15) * 1000;
/** A request still unanswered this long after the window is counted as an error (and not waited for). */
const DRAIN_MS = 10_000;

interface Load {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Answers per second over the window (offered: RATE). */
  rps: number;
  errors: number;
  requests: number;
}

function get(agent: Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (v: number, places = 2) => Math.round(v * 10 ** places) / 10 ** places;

/**
 * Sends `rate` requests per second for `ms` over at most CONNECTIONS keep-alive sockets (more in flight wait
 * for a socket in the agent, and that wait counts). Latency: answer time minus the time the request was due.
 */
async function openLoop(
  agent: Agent,
  url: URL,
  headers: Record<string, string>,
  rate: number,
  ms: number,
): Promise<Load> {
  const total = Math.round((rate * ms) / 1000);
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / rate <= now) {
        const due = start + (sent * 1000) / rate;
        sent++;
        inFlight.push(
          get(agent, url, headers).then((status) => {
            latencies.push(performance.now() - due);
            if (status !== 200) errors++;
          }),
        );
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + (sent * 1000) / rate - performance.now()));
      else done();
    };
    tick();
  });
  await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, DRAIN_MS))]);
  const answered = latencies.length;
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies[latencies.length - 1] ?? NaN),
    rps: round(answered / seconds, 1),
    errors: errors + (total - answered),
    requests: total,
  };
}

async function measure(target: string, headers: Record<string, string>, around?: () => Promise<void>) {
  const url = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    await openLoop(agent, url, headers, RATE, WARMUP_MS);
    await around?.();
    const load = await openLoop(agent, url, headers, RATE, DURATION_MS);
    await around?.();
    return load;
  } finally {
    agent.destroy();
  }
}

/** `gateway_request_step_seconds` sums and counts by step, from the gateway's /metrics. */
async function stepTotals(gatewayUrl: string): Promise<Map<string, { sum: number; count: number }>> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const out = new Map<string, { sum: number; count: number }>();
  for (const m of text.matchAll(
    /^gateway_request_step_seconds_(sum|count)\{[^}]*step="(\w+)"[^}]*\} (\S+)$/gm,
  )) {
    const entry = out.get(m[2]) ?? { sum: 0, count: 0 };
    entry[m[1] as 'sum' | 'count'] = Number(m[3]);
    out.set(m[2], entry);
  }
  return out;
}

/** Transactions and rows written so far in the bench's database (both services' schemas). */
async function databaseWork(db: Client): Promise<{ xacts: number; writes: number; at: number }> {
  const { rows } = await db.query<{ xacts: string; writes: string }>(
    `SELECT xact_commit + xact_rollback AS xacts, tup_inserted + tup_updated + tup_deleted AS writes
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  return { xacts: Number(rows[0].xacts), writes: Number(rows[0].writes), at: performance.now() };
}

/** Backends flush their statistics within 10 s of going idle (PostgreSQL's PGSTAT_IDLE_INTERVAL). */
const STATS_SETTLE_MS = 11_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function json<T>(method: string, url: string, key: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export async function run() {
  const { kafkaBrokers, serverUrl } = await infrastructure();
  const database = `bench_gateway_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const databaseUrl = withDatabase(serverUrl, database);
  const db = new Client({ connectionString: databaseUrl });
  const stack = await startStack({
    services: ['client-master', 'sync-orchestrator', 'gateway'],
    kafkaBrokers,
    databaseUrl,
    topicPrefix: `${database}.`,
    logPrefix: 'bench-',
    logLevel: 'warn',
    // Services compile on start (swc): slow on a busy machine.
    readyTimeoutMs: 600_000,
    // The limiter runs as deployed (shared through PostgreSQL); the budget is just out of the bench's reach.
    env: {
      RATE_LIMIT_POINTS: '1000000000',
      // BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of each service, written after the window through the gateway.
      ...(PROFILE_DIR
        ? {
            NODE_OPTIONS: `--require ${join(__dirname, 'lib', 'cpu-profile.js')}`,
            CPU_PROFILE_DIR: PROFILE_DIR,
          }
        : {}),
    },
  });
  try {
    await db.connect();
    const firm = await stack.createFirmWithAdmin('Bench Associates');
    const key = firm.adminApiKey;
    const client = await json<{ id: string }>('POST', `${stack.gatewayUrl}/v1/clients`, key, {
      name: 'Bench Traders',
      pan: 'AAACR5055K',
    });
    const syncRun = await json<{ id: string }>('POST', `${stack.gatewayUrl}/v1/sync-runs`, key, {
      clients: { ids: [client.id] },
      categories: ['itr.filing_status'],
    });
    // Background work (the orchestrator's pollers) over an idle spell, to take away from the load's count.
    await pause(STATS_SETTLE_MS);
    const idle0 = await databaseWork(db);
    await pause(STATS_SETTLE_MS);
    const idle1 = await databaseWork(db);
    const pids = stack.pids();
    const gatewayPid = pids['gateway'];
    const orchestratorPid = pids['sync-orchestrator'];

    // Through the gateway, with CPU and step readings around the measured window only.
    let cpu0 = { gateway: 0, orchestrator: 0 };
    let pg0 = new Map<number, { app: string; cpu: number }>();
    let steps0 = new Map<string, { sum: number; count: number }>();
    const readings: Array<() => Promise<void>> = [
      async () => {
        steps0 = await stepTotals(stack.gatewayUrl);
        pg0 = await postgresCpuByApplication(db);
        cpu0 = { gateway: cpuSecondsOf(gatewayPid), orchestrator: cpuSecondsOf(orchestratorPid) };
      },
    ];
    let cpu = { gateway: 0, orchestrator: 0 };
    let pg: Record<string, number> = {};
    let steps = new Map<string, { sum: number; count: number }>();
    readings.push(async () => {
      cpu = {
        gateway: cpuSecondsOf(gatewayPid) - cpu0.gateway,
        orchestrator: cpuSecondsOf(orchestratorPid) - cpu0.orchestrator,
      };
      pg = postgresCpuDelta(pg0, await postgresCpuByApplication(db));
      steps = await stepTotals(stack.gatewayUrl);
    });
    let reading = 0;
    const viaGateway = await measure(
      runUrl(stack.gatewayUrl, syncRun.id),
      { authorization: `Bearer ${key}` },
      () => readings[reading++](),
    );
    if (PROFILE_DIR) for (const pid of [gatewayPid, orchestratorPid]) process.kill(pid, 'SIGUSR2');
    await pause(STATS_SETTLE_MS);
    const loaded = await databaseWork(db);
    // Warm-up and window together (the statistics cannot be cut at the window's edges).
    const sent = viaGateway.requests + Math.round((RATE * WARMUP_MS) / 1000);
    const idleSeconds = (idle1.at - idle0.at) / 1000;
    const loadSeconds = (loaded.at - idle1.at) / 1000;
    const perRequest = (key: 'xacts' | 'writes') => {
      const background = ((idle1[key] - idle0[key]) / idleSeconds) * loadSeconds;
      return round((loaded[key] - idle1[key] - background) / sent, 2);
    };
    const direct = await measure(
      `${stack.urls['sync-orchestrator']}/internal/v1/firms/${firm.firmId}/sync-runs/${syncRun.id}`,
      {},
    );

    const perRequestMs = (seconds: number) => round((seconds * 1000) / viaGateway.requests, 3);
    const stepMean = (step: string) => {
      const a = steps0.get(step) ?? { sum: 0, count: 0 };
      const b = steps.get(step) ?? { sum: 0, count: 0 };
      const count = b.count - a.count;
      return count > 0 ? round(((b.sum - a.sum) * 1000) / count, 3) : NaN;
    };
    const pgGateway = pg['gateway'] ?? 0;
    const pgOrchestrator = pg['sync-orchestrator'] ?? 0;
    const how = `${RATE} req/s offered, open loop, ${CONNECTIONS} keep-alive connections, ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up`;
    return [
      {
        name: 'GET /v1/sync-runs/{id} p50',
        value: viaGateway.p50,
        unit: 'ms',
        note: `${how}; p95 ${viaGateway.p95} ms, max ${viaGateway.max} ms; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`,
      },
      { name: 'GET /v1/sync-runs/{id} p99', value: viaGateway.p99, unit: 'ms', note: 'target < 50 ms' },
      {
        name: 'GET /v1/sync-runs/{id} achieved rate',
        value: viaGateway.rps,
        unit: 'req/s',
        note: `of ${RATE} offered; ${viaGateway.requests} requests, ${viaGateway.errors} non-200 or unanswered`,
      },
      {
        name: 'gateway step: API-key lookup, mean',
        value: stepMean('api_key'),
        unit: 'ms',
        note: 'gateway_request_step_seconds{step="api_key"} over the window',
      },
      {
        name: 'gateway step: rate limit, mean',
        value: stepMean('rate_limit'),
        unit: 'ms',
        note: 'gateway_request_step_seconds{step="rate_limit"}',
      },
      {
        name: 'gateway step: upstream hop, mean',
        value: stepMean('upstream'),
        unit: 'ms',
        note: 'gateway_request_step_seconds{step="upstream"}: until the orchestrator’s headers are in',
      },
      {
        name: 'gateway CPU per request',
        value: perRequestMs(cpu.gateway),
        unit: 'ms',
        note: `${round(cpu.gateway, 2)} CPU s for ${viaGateway.requests} requests (/proc, 10 ms ticks)`,
      },
      {
        name: 'orchestrator CPU per request',
        value: perRequestMs(cpu.orchestrator),
        unit: 'ms',
        note: `${round(cpu.orchestrator, 2)} CPU s`,
      },
      {
        name: 'PostgreSQL CPU per request (gateway + orchestrator backends)',
        value: perRequestMs(pgGateway + pgOrchestrator),
        unit: 'ms',
        note: `gateway's backends ${pgGateway} s, orchestrator's ${pgOrchestrator} s`,
      },
      {
        name: 'PostgreSQL transactions per request',
        value: perRequest('xacts'),
        unit: 'tx',
        note: `pg_stat_database of the bench's database, less the idle rate; rows written per request ${perRequest('writes')}`,
      },
      {
        name: 'orchestrator direct p50 (baseline)',
        value: direct.p50,
        unit: 'ms',
        note: `the same read without the gateway, same schedule; ${direct.rps} req/s, ${direct.errors} non-200`,
      },
      { name: 'orchestrator direct p99 (baseline)', value: direct.p99, unit: 'ms', note: how },
    ];
  } finally {
    await stack.stop();
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

function runUrl(gatewayUrl: string, id: string): string {
  return `${gatewayUrl}/v1/sync-runs/${id}`;
}
