/**
 * Recovery figures: connector-esign as a process against the sandbox, with real Kafka and PostgreSQL. A job is
 * held mid-fetch (the portal answers slowly), the connector is SIGKILLed and started again on the same database
 * and topics; the bench times restart → ready, ready → a job published right then has its result (the intake's
 * consumer group is consuming again), and restart → the held job's result. Needs Kafka (KAFKA_BROKERS, default
 * 127.0.0.1:9092) and PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 * `BENCH_RECOVERY_ROUNDS` (default 2) kill/restart rounds; each figure is their median.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import type { SyncJobRequested } from '@practice-sync/contracts';
import type { ConnectorProcess } from '@practice-sync/testing';
import {
  ConnectorHarness,
  createScratchDatabase,
  measureConnectorRecovery,
  startServiceProcess,
} from '@practice-sync/testing';
import { v7 as uuidv7 } from 'uuid';

const ROOT = join(__dirname, '..');
/** The default lease (`JOB_LEASE_MS`), so the held job's figure shows what a deployment sees. */
const LEASE_MS = '60000';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * A Kafka-consuming service (its real main.ts, own scratch database and topic prefix) started, SIGKILLed and
 * started again: spawn → /health/ready of the restart. Its consumers' `run()` waits for each group join, and the
 * service answers ready only after every consumer joined, so this is restart → consuming again.
 */
async function serviceRestart(
  app: 'client-master' | 'sync-orchestrator',
  rounds: number,
): Promise<{ first: number; restarts: number[] }> {
  const db = await createScratchDatabase(process.env['DATABASE_URL'] ?? '', `bench_rec_${app}_${Date.now()}`);
  try {
    execFileSync(process.execPath, ['-r', '@swc-node/register', `apps/${app}/src/migrate.ts`], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const env = {
      KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '',
      KAFKA_TOPIC_PREFIX: `bench-rec-${app}-${Date.now()}.`,
      KAFKA_PARTITIONS: '2',
      DATABASE_URL: db.url,
      // The orchestrator's client-master: not called while idle.
      CLIENT_MASTER_URL: 'http://127.0.0.1:9',
    };
    const options = { readyWithinMs: 180_000, stopGraceMs: 15_000 };
    let t = performance.now();
    let service = await startServiceProcess(app, env, options);
    const first = Math.round(performance.now() - t);
    const restarts: number[] = [];
    try {
      for (let i = 0; i < rounds; i++) {
        await service.kill();
        t = performance.now();
        service = await startServiceProcess(app, env, options);
        restarts.push(Math.round(performance.now() - t));
        console.log(`  ${app} round ${i + 1}: restart → ready ${restarts[i]} ms (first start ${first} ms)`);
      }
    } finally {
      await service.stop();
    }
    return { first, restarts };
  } finally {
    await db.drop();
  }
}

export async function run(): Promise<{ name: string; value: number; unit: string; note?: string }[]> {
  process.env['KAFKA_BROKERS'] ??= '127.0.0.1:9092';
  process.env['DATABASE_URL'] ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  process.env['KAFKA_TOPIC_PREFIX'] ??= `bench-recovery-${Date.now()}.`;
  const rounds = Number(process.env['BENCH_RECOVERY_ROUNDS'] ?? 2);
  const harness = new ConnectorHarness({
    portal: 'esign',
    migrate: async (url) =>
      execFileSync(process.execPath, ['-r', '@swc-node/register', 'apps/connector-esign/src/migrate.ts'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' },
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    sandboxEnv: { SANDBOX_START_AT: '2025-06-25T10:00:00Z' },
    connectorEnv: { JOB_LEASE_MS: LEASE_MS, WORKER_CONCURRENCY: '4' },
  });
  const job = (): SyncJobRequested => ({
    jobId: uuidv7(),
    runId: uuidv7(),
    clientId: uuidv7(),
    category: 'esign.signature_timestamps',
    subject: { kind: 'esignClientFileId', value: `file-${uuidv7()}` },
    period: null,
    attempt: 1,
  });
  const ready: number[] = [];
  const consuming: number[] = [];
  const held: number[] = [];
  let doubled = 0;
  let baseline = 0;
  const started = await harness.start();
  const { sandbox } = started;
  let connector = started.connector;
  const running: ConnectorProcess[] = [connector];
  try {
    const put = await harness.api('PUT', '/credentials/esign', { apiKey: 'live-key-0123456789' });
    if (put.status !== 200) throw new Error(`storing the e-sign key answered ${put.status}`);
    // Baseline: a second instance starting beside a live one (boot and an ordinary rebalance, nothing dead to
    // wait for), then stopped gracefully (SIGTERM: it leaves its group and releases its jobs).
    const t0 = performance.now();
    const extra = await harness.startAnotherConnector();
    baseline = Math.round(performance.now() - t0);
    await extra.stop();
    for (let round = 0; round < rounds; round++) {
      const r = await measureConnectorRecovery(harness, connector, {
        job,
        slowPortal: (slow) => sandbox.faults('esign', { latencyMs: slow ? 20_000 : 0 }),
      });
      connector = r.connector;
      running.push(connector);
      ready.push(r.restartToReadyMs);
      consuming.push(r.readyToConsumingMs);
      held.push(r.restartToHeldJobMs);
      doubled += r.heldResults - 1 + (r.freshResults - 1);
      console.log(
        `  round ${round + 1}: ready ${r.restartToReadyMs} ms, consuming ${r.readyToConsumingMs} ms after, ` +
          `held job ${r.restartToHeldJobMs} ms after spawn`,
      );
    }
  } finally {
    for (const c of running) await c.stop().catch(() => undefined);
    await harness.stop();
  }
  const note = `median of ${rounds} SIGKILL/restart rounds, JOB_LEASE_MS=${LEASE_MS}`;
  const services = [];
  for (const app of ['client-master', 'sync-orchestrator'] as const) {
    const { first, restarts } = await serviceRestart(app, rounds);
    services.push(
      { name: `${app} first start → ready`, value: first, unit: 'ms', note: 'fresh groups: the floor' },
      {
        name: `${app} restart after SIGKILL → ready`,
        value: median(restarts),
        unit: 'ms',
        note: `median of ${rounds} rounds (${restarts.join(', ')} ms): every consumer group joined`,
      },
    );
  }
  return [
    ...services,
    {
      name: 'connector-esign start beside a live instance → ready',
      value: baseline,
      unit: 'ms',
      note: 'boot + an ordinary rebalance: the floor for restart → ready',
    },
    { name: 'connector-esign restart → ready', value: median(ready), unit: 'ms', note },
    { name: 'connector-esign ready → consuming again', value: median(consuming), unit: 'ms', note },
    { name: 'connector-esign restart → held job re-run', value: median(held), unit: 'ms', note },
    { name: 'connector-esign results doubled', value: doubled, unit: 'results', note },
  ];
}
