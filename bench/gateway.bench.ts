/**
 * Gateway figures: latency (p50/p99) and throughput of `GET /v1/sync-runs/{id}` under concurrent load through
 * the real gateway (API-key check, Postgres-backed rate limiter, forwarding) to the real sync-orchestrator,
 * and the same read straight from the orchestrator to show what the gateway adds.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';

import { startStack, withDatabase } from '@practice-sync/testing';
import { Client } from 'pg';

import { infrastructure } from './lib/pipeline';

const CONCURRENCY = 32;
const LIGHT_CONCURRENCY = 4;
const WARMUP_MS = 1000;
const DURATION_MS = 5000;

interface Load {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
  requests: number;
}

function get(agent: Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** CONCURRENCY keep-alive loops for DURATION_MS (after a warm-up that is not measured). */
async function load(
  target: string,
  headers: Record<string, string>,
  concurrency = CONCURRENCY,
): Promise<Load> {
  const url = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const loop = async (ms: number, latencies?: number[], errors?: { n: number }) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const t0 = process.hrtime.bigint();
      const status = await get(agent, url, headers);
      if (latencies) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (errors && status !== 200) errors.n++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => loop(WARMUP_MS)));
  const latencies: number[] = [];
  const errors = { n: 0 };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, () => loop(DURATION_MS, latencies, errors)));
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    rps: Math.round(latencies.length / seconds),
    errors: errors.n,
    requests: latencies.length,
  };
}

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
  const stack = await startStack({
    services: ['client-master', 'sync-orchestrator', 'gateway'],
    kafkaBrokers,
    databaseUrl: withDatabase(serverUrl, database),
    topicPrefix: `${database}.`,
    logPrefix: 'bench-',
    logLevel: 'warn',
    // The limiter still runs (Postgres store, as deployed); the budget is just out of the bench's reach.
    env: { RATE_LIMIT_POINTS: '1000000000' },
  });
  try {
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
    const runUrl = `${stack.gatewayUrl}/v1/sync-runs/${syncRun.id}`;
    const viaGateway = await load(runUrl, { authorization: `Bearer ${key}` });
    const light = await load(runUrl, { authorization: `Bearer ${key}` }, LIGHT_CONCURRENCY);
    const direct = await load(
      `${stack.urls['sync-orchestrator']}/internal/v1/firms/${firm.firmId}/sync-runs/${syncRun.id}`,
      {},
    );
    const how = `${CONCURRENCY} keep-alive clients, ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up`;
    return [
      {
        name: 'GET /v1/sync-runs/{id} p50',
        value: viaGateway.p50,
        unit: 'ms',
        note: `${how}; ${viaGateway.requests} requests, ${viaGateway.errors} non-200`,
      },
      { name: 'GET /v1/sync-runs/{id} p99', value: viaGateway.p99, unit: 'ms', note: how },
      { name: 'GET /v1/sync-runs/{id} throughput', value: viaGateway.rps, unit: 'req/s', note: how },
      {
        name: `GET /v1/sync-runs/{id} p50, ${LIGHT_CONCURRENCY} clients`,
        value: light.p50,
        unit: 'ms',
        note: `light load; p99 ${light.p99} ms, ${light.rps} req/s`,
      },
      {
        name: 'orchestrator direct p50 (baseline)',
        value: direct.p50,
        unit: 'ms',
        note: `the same read without the gateway; ${direct.errors} non-200`,
      },
      { name: 'orchestrator direct p99 (baseline)', value: direct.p99, unit: 'ms', note: how },
    ];
  } finally {
    await stack.stop();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}
