/**
 * Connector figures: per-category fetch throughput of the real connector processes against the real sandbox
 * at zero latency (faithful mode: GST envelope and sessions, ITR session + consent, e-sign key), through real
 * Kafka and PostgreSQL. Jobs are published like the orchestrator does; the clock runs from the first publish to
 * the last SyncJobCompleted. Needs Kafka (KAFKA_BROKERS, default 127.0.0.1:9092) and PostgreSQL (DATABASE_URL,
 * default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import type { Category, Portal, Subject, SyncJobRequested } from '@practice-sync/contracts';
import { gstinCheckCharacter, portalOf } from '@practice-sync/contracts';
import type { ConnectorProcess } from '@practice-sync/testing';
import {
  createScratchDatabase,
  KafkaProbe,
  startConnectorProcess,
  startSandboxProcess,
} from '@practice-sync/testing';
import { v7 as uuidv7 } from 'uuid';

import { metricSeries, scrapeMetrics } from './lib/pipeline';

const ROOT = join(__dirname, '..');
const SUBJECTS = 24;
const CONCURRENCY = '8';
const CATEGORIES: Category[] = [
  'gst.gstr2b',
  'gst.gstr1_1a',
  'gst.ims_2a',
  'gst.gstr3b_ledgers',
  'gst.notices_return_register',
  'itr.filing_status',
  'itr.returns',
  'itr.notices_orders',
  'itr.ais_tis_26as',
  'esign.signature_timestamps',
];

const gstin = (n: number) => {
  const first14 = `27AAACR${String(n).padStart(4, '0')}K1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
};
const pan = (n: number) => `AAACR${String(n).padStart(4, '0')}K`;

function subjectOf(portal: Portal, n: number): Subject {
  if (portal === 'gst') return { kind: 'gstin', value: gstin(n) };
  if (portal === 'itr') return { kind: 'pan', value: pan(n) };
  return { kind: 'esignClientFileId', value: `bench-file-${n}` };
}

async function call(url: string, method: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${await res.text()}`);
}

/** PostgreSQL transactions the process ended so far (`db_transactions_total`: claims, polls and finishes). */
async function transactionsOf(url: string): Promise<number> {
  return metricSeries(await scrapeMetrics(url), 'db_transactions_total').reduce((n, s) => n + s.value, 0);
}

export async function run() {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const baseDb = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const tag = `bench_${Date.now().toString(36)}`;
  const db = await createScratchDatabase(baseDb, tag);
  const sandbox = await startSandboxProcess({
    SANDBOX_START_AT: '2025-06-25T10:00:00Z',
    SANDBOX_QUEUE_READY_MS: '0',
    SANDBOX_ITR_JOB_READY_MS: '0',
    LOG_LEVEL: 'silent',
  });
  const prefix = `${tag}.`;
  const probe = await KafkaProbe.start(brokers, prefix, 'bench');
  const connectors: Partial<Record<Portal, ConnectorProcess>> = {};
  const firmId = uuidv7();
  try {
    // Each connector's own migrate.ts, as deployments run it.
    for (const portal of ['gst', 'itr', 'esign'] as const) {
      execFileSync(
        process.execPath,
        ['-r', '@swc-node/register', `apps/connector-${portal}/src/migrate.ts`],
        {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'error' },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
    }
    for (const portal of ['gst', 'itr', 'esign'] as const) {
      connectors[portal] = await startConnectorProcess(`connector-${portal}`, {
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_PARTITIONS: '4',
        DATABASE_URL: db.url,
        PORTAL_BASE_URL: `${sandbox.url}/${portal}`,
        LOG_LEVEL: 'error',
        WORKER_CONCURRENCY: CONCURRENCY,
        JOB_POLL_INTERVAL_MS: '200',
        ASYNC_POLL_INTERVAL_MS: '20',
        PORTAL_RATE_LIMIT_PER_MINUTE: '0',
        // Counted for the figures' notes (db_transactions_total); FINISH_GROUP_MAX_JOBS=1 in the bench's
        // environment turns the finishing group commit off, for comparison.
        DB_STATEMENT_COUNTS: 'true',
      });
    }
    const base = (portal: Portal) => `${connectors[portal]?.url}/internal/v1/firms/${firmId}/credentials`;
    await call(`${base('itr')}/itr`, 'PUT', {
      clientId: 'c',
      clientSecret: 's',
      userId: 'ERIBENCH',
      password: 'p',
    });
    await call(`${base('esign')}/esign`, 'PUT', { apiKey: 'bench-key-0000' });
    for (let n = 0; n < SUBJECTS; n++) {
      await call(`${base('gst')}/gst/${gstin(n)}`, 'PUT', { username: 'bench' });
      await call(`${base('gst')}/gst/${gstin(n)}/otp`, 'POST', { otp: '575757' });
      await call(`${base('itr')}/itr/${pan(n)}/consent`, 'POST', {});
      await call(`${base('itr')}/itr/${pan(n)}/consent`, 'POST', { otp: '575757' });
    }
    const clientIds = Array.from({ length: SUBJECTS }, () => uuidv7());
    const figures = [];
    for (const category of CATEGORIES) {
      const portal = portalOf(category);
      const jobs: SyncJobRequested[] = clientIds.map((clientId, n) => ({
        jobId: uuidv7(),
        runId: uuidv7(),
        clientId,
        category,
        subject: subjectOf(portal, n),
        period: portal === 'gst' ? '052025' : null,
        attempt: 1,
      }));
      const requestsBefore = await sandbox.requests(portal);
      const connectorUrl = connectors[portal]?.url ?? '';
      const transactionsBefore = await transactionsOf(connectorUrl);
      const started = process.hrtime.bigint();
      await probe.publishJobs(portal, firmId, jobs);
      const results = await probe
        .waitForResults(
          jobs.map((j) => j.jobId),
          120_000,
        )
        .catch((error: unknown) => {
          console.error(`${category}: ${String(error)}`);
          return null;
        });
      if (!results) {
        figures.push({
          name: `${category} fetch throughput`,
          value: 0,
          unit: 'jobs/s',
          note: 'timed out (see above)',
        });
        continue;
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const calls = (await sandbox.requests(portal)) - requestsBefore;
      const transactions = (await transactionsOf(connectorUrl)) - transactionsBefore;
      const failed = results.filter((r) => r.outcome === 'failed');
      const records = results.reduce((n, r) => n + r.counts.added, 0);
      figures.push({
        name: `${category} fetch throughput`,
        value: Math.round((jobs.length / seconds) * 10) / 10,
        unit: 'jobs/s',
        note: `${jobs.length} first fetches, ${CONCURRENCY} workers, ${records} records (${Math.round(records / seconds)}/s), ${calls} portal calls, ${(transactions / jobs.length).toFixed(2)} PostgreSQL transactions per job, ${failed.length} failed${failed[0] ? ` (${failed[0].errorCode})` : ''}`,
      });
    }
    return figures;
  } finally {
    for (const c of Object.values(connectors)) await c?.stop();
    await probe.stop();
    await sandbox.stop();
    await db.drop();
  }
}
