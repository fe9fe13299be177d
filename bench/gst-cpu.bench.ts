/**
 * connector-gst's own CPU per job (issue 26): the real connector-gst process against the real sandbox in the
 * pipeline's portal world (`BENCH_WORLD`, zero latency, access lax as the pipeline runs it), on the local Kafka
 * and a scratch PostgreSQL database. Jobs of the five GST categories are published like the orchestrator does
 * (one per GSTIN and category, GST period 10/2026): a warm-up round first (its own GSTINs), then the measured
 * round; the figure is the connector process's CPU seconds (/proc, 10 ms ticks) from publish to the last
 * result, per job, beside the CPU of the PostgreSQL backends it connected (what its statements cost the
 * database). The note carries a digest of every record the measured round published (natural key, hash and
 * data, sorted), so a change to the connector's per-record work can show that its output is the same.
 *
 * Then the re-sync round (unless `BENCH_GST_RESYNC=false`): the measured round's jobs again, new job and run ids,
 * same clients, GSTINs and period, as a firm's next daily sync. The portal world is fixed, so every record is as
 * the connector stored it: the figure is what a no-change job costs (fetch, hash, compare, no records message).
 *
 * `BENCH_GST_SUBJECTS` (40) GSTINs in the measured round, or `BENCH_GST_JOBS` jobs (rounded up to whole
 * GSTINs); `BENCH_GST_WARMUP` (8) before it. Peak RSS is connector-gst's VmHWM at the end (start-up and warm-up
 * included). `BENCH_CPU_PROFILE=<dir>`: a V8 CPU profile of connector-gst (`lib/cpu-profile.js`), see Profiling.
 * `BENCH_GST_HEAP=<dir>`: `lib/heap-probe.js` samples its memory into <dir>, and after the last round the
 * bench has it run a full GC and gives its heap then (`BENCH_GST_HEAP_SNAPSHOT=true`: a heap snapshot too).
 * `BENCH_GST_NODE_OPTIONS`: more NODE_OPTIONS for connector-gst (e.g. V8 heap flags to compare).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Category, ClientRecordsChanged, Envelope, SyncJobRequested } from '@practice-sync/contracts';
import type { ConnectorProcess, KafkaProbe as Probe, SandboxProcess } from '@practice-sync/testing';
import {
  createScratchDatabase,
  KafkaProbe,
  startConnectorProcess,
  startSandboxProcess,
} from '@practice-sync/testing';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';

import { cpuSecondsOf, postgresCpuByApplication, postgresCpuDelta } from './lib/cpu';
import { gstinFor, panFor } from './lib/identities';
import { peakRssMb } from './lib/pipeline';
import { BENCH_WORLD, ZERO_LATENCY_ENV } from './lib/zero-latency';

const ROOT = join(__dirname, '..');
const GST_CATEGORIES: Category[] = [
  'gst.gstr2b',
  'gst.gstr1_1a',
  'gst.ims_2a',
  'gst.gstr3b_ledgers',
  'gst.notices_return_register',
];

const intFromEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};

interface Round {
  jobs: number;
  seconds: number;
  cpu: number;
  /** CPU seconds of the PostgreSQL backends connector-gst connected (its scratch database's). */
  postgresCpu: number;
  records: number;
  /** Records the portal returned as they were last time (the results' `counts.unchanged`). */
  unchanged: number;
  failed: number;
  digest: string;
}

/**
 * One job per GSTIN (clients `from`…`from + count - 1` of bench/lib/identities) and GST category, as `clientIds`
 * name them (a client given no id gets one, kept there for a later round of the same clients).
 */
async function round(
  probe: Probe,
  connector: ConnectorProcess,
  sandbox: SandboxProcess,
  db: Client,
  firmId: string,
  from: number,
  count: number,
  clientIds = new Map<number, string>(),
): Promise<Round & { calls: number }> {
  const jobs: SyncJobRequested[] = [];
  for (let n = from; n < from + count; n++) {
    const clientId = clientIds.get(n) ?? uuidv7();
    clientIds.set(n, clientId);
    const runId = uuidv7();
    for (const category of GST_CATEGORIES) {
      jobs.push({
        jobId: uuidv7(),
        runId,
        clientId,
        category,
        subject: { kind: 'gstin', value: gstinFor(panFor(n)) },
        period: BENCH_WORLD.period.gst,
        attempt: 1,
      });
    }
  }
  const callsBefore = await sandbox.requests('gst');
  const cpuBefore = cpuSecondsOf(connector.pid);
  const postgresBefore = await postgresCpuByApplication(db);
  const started = process.hrtime.bigint();
  await probe.publishJobs('gst', firmId, jobs);
  const results = await probe.waitForResults(
    jobs.map((j) => j.jobId),
    600_000,
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = cpuSecondsOf(connector.pid) - cpuBefore;
  const postgres = postgresCpuDelta(postgresBefore, await postgresCpuByApplication(db));
  const ids = new Set(jobs.map((j) => j.jobId));
  return {
    jobs: jobs.length,
    seconds,
    cpu,
    postgresCpu: postgres['connector-gst'] ?? NaN,
    records: results.reduce((n, r) => n + r.counts.added + r.counts.updated + r.counts.removed, 0),
    unchanged: results.reduce((n, r) => n + r.counts.unchanged, 0),
    failed: results.filter((r) => r.outcome === 'failed').length,
    digest: recordsDigest(probe.records.filter((e) => ids.has(e.data.jobId))),
    calls: (await sandbox.requests('gst')) - callsBefore,
  };
}

/** SHA-256 over every published record change (natural key, change, hash, data), sorted: the round's output. */
function recordsDigest(envelopes: readonly Envelope<ClientRecordsChanged>[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const e of envelopes) {
    const chunkId = `${e.data.jobId}:${e.data.chunk.index}`;
    if (seen.has(chunkId)) continue;
    seen.add(chunkId);
    for (const c of e.data.changes) {
      lines.push(
        `${e.data.category}\u0000${c.naturalKey}\u0000${c.change}\u0000${c.hash}\u0000${JSON.stringify(c.data)}`,
      );
    }
  }
  lines.sort();
  // Line by line: thousands of jobs' records joined would pass V8's longest string (the same digest).
  const hash = createHash('sha256');
  lines.forEach((line, i) => hash.update(i === 0 ? line : `\n${line}`));
  return hash.digest('hex').slice(0, 16);
}

export async function run() {
  const subjects = process.env['BENCH_GST_JOBS']
    ? Math.ceil(intFromEnv('BENCH_GST_JOBS', 200) / GST_CATEGORIES.length)
    : intFromEnv('BENCH_GST_SUBJECTS', 40);
  const warmup = intFromEnv('BENCH_GST_WARMUP', 8);
  const resync = process.env['BENCH_GST_RESYNC'] !== 'false';
  const profileDir = process.env['BENCH_CPU_PROFILE'];
  const heapDir = process.env['BENCH_GST_HEAP'];
  const nodeOptions = [
    ...(profileDir ? [`--require ${join(__dirname, 'lib/cpu-profile.js')}`] : []),
    ...(heapDir ? [`--require ${join(__dirname, 'lib/heap-probe.js')}`] : []),
    ...(process.env['BENCH_GST_NODE_OPTIONS'] ? [process.env['BENCH_GST_NODE_OPTIONS']] : []),
  ];
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const baseDb = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const tag = `bench_gst_${Date.now().toString(36)}`;
  const db = await createScratchDatabase(baseDb, tag);
  const sandbox = await startSandboxProcess({
    ...ZERO_LATENCY_ENV,
    ...BENCH_WORLD.env,
    SANDBOX_REQUIRE_SESSIONS: 'false',
    LOG_LEVEL: 'silent',
  });
  const prefix = `${tag}.`;
  const probe = await KafkaProbe.start(brokers, prefix, 'bench');
  let connector: ConnectorProcess | undefined;
  // The bench's own connection to the scratch database: reads pg_stat_activity for the backends' pids.
  const pg = new Client({ connectionString: db.url, application_name: 'bench' });
  try {
    execFileSync(process.execPath, ['-r', '@swc-node/register', 'apps/connector-gst/src/migrate.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    connector = await startConnectorProcess('connector-gst', {
      ...ZERO_LATENCY_ENV,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      PORTAL_BASE_URL: `${sandbox.url}/gst`,
      // As the pipeline runs it: identifiers without stored access are fetched without a session.
      REQUIRE_CREDENTIALS: 'false',
      DB_STATEMENT_COUNTS: 'true',
      LOG_LEVEL: 'warn',
      ...(nodeOptions.length ? { NODE_OPTIONS: nodeOptions.join(' ') } : {}),
      ...(profileDir ? { CPU_PROFILE_DIR: profileDir } : {}),
      ...(heapDir
        ? { HEAP_PROBE_DIR: heapDir, HEAP_PROBE_SNAPSHOT: process.env['BENCH_GST_HEAP_SNAPSHOT'] ?? 'false' }
        : {}),
    });
    await pg.connect();
    const firmId = uuidv7();
    await round(probe, connector, sandbox, pg, firmId, 100_000, warmup);
    const clients = new Map<number, string>();
    const r = await round(probe, connector, sandbox, pg, firmId, 0, subjects, clients);
    const again = resync ? await round(probe, connector, sandbox, pg, firmId, 0, subjects, clients) : null;
    const peakMb = peakRssMb(connector.pid);
    if (profileDir) {
      process.kill(connector.pid, 'SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    const afterGc = heapDir ? await heapAfterFullGc(heapDir, connector.pid) : null;
    const perJobMs = (1000 * r.cpu) / r.jobs;
    return [
      {
        name: 'connector-gst CPU per job',
        value: Math.round(perJobMs * 10) / 10,
        unit: 'ms',
        note: `${r.jobs} jobs (${subjects} GSTINs × 5 categories, period ${BENCH_WORLD.period.gst}) after ${warmup * 5} warm-up jobs; ${r.cpu.toFixed(2)} CPU s in ${r.seconds.toFixed(1)} s; ${r.records} records (${((1000 * r.cpu) / Math.max(1, r.records)).toFixed(3)} ms CPU each), ${r.calls} portal calls, ${r.failed} failed; records digest ${r.digest}`,
      },
      {
        name: 'connector-gst CPU per 1,000 pipeline jobs',
        value: Math.round(perJobMs * 5) / 10,
        unit: 's',
        note: 'the same ÷ 2: half of the pipeline’s jobs (5 of 10 categories) are GST jobs',
      },
      {
        name: 'connector-gst PostgreSQL CPU per job',
        value: Math.round((10_000 * r.postgresCpu) / r.jobs) / 10,
        unit: 'ms',
        note: `the PostgreSQL backends connector-gst connected, during the measured round (${r.postgresCpu} CPU s; /proc, backends found in pg_stat_activity at its start and end)`,
      },
      ...(again
        ? [
            {
              name: 'connector-gst CPU per job, re-sync (nothing changed)',
              value: Math.round((10_000 * again.cpu) / again.jobs) / 10,
              unit: 'ms',
              note: `the measured round's ${again.jobs} jobs again (same clients, GSTINs and period; new job ids): ${again.unchanged} records unchanged, ${again.records} added, updated or removed, ${again.failed} failed; ${again.cpu.toFixed(2)} CPU s in ${again.seconds.toFixed(1)} s, ${again.calls} portal calls`,
            },
            {
              name: 'connector-gst PostgreSQL CPU per job, re-sync',
              value: Math.round((10_000 * again.postgresCpu) / again.jobs) / 10,
              unit: 'ms',
              note: `its backends during the re-sync round (${again.postgresCpu} CPU s)`,
            },
          ]
        : []),
      {
        name: 'connector-gst peak RSS',
        value: peakMb,
        unit: 'MB',
        note: `VmHWM at the end (start-up, ${warmup * 5} warm-up and ${r.jobs} measured jobs${again ? `, ${again.jobs} re-sync jobs` : ''})${nodeOptions.length ? `; NODE_OPTIONS ${nodeOptions.join(' ')}` : ''}`,
      },
      ...(afterGc
        ? [
            {
              name: 'connector-gst heap used after a full GC',
              value: mb(afterGc.heapUsed),
              unit: 'MB',
              note: `after the last round: rss ${mb(afterGc.rss)} MB, heap total ${mb(afterGc.heapTotal)} MB, external ${mb(afterGc.external)} MB (array buffers ${mb(afterGc.arrayBuffers)} MB); peak during the run: heap used ${mb(afterGc.peak.heapUsed)} MB, heap total ${mb(afterGc.peak.heapTotal)} MB, external ${mb(afterGc.peak.external)} MB (${heapDir})`,
            },
          ]
        : []),
    ];
  } finally {
    await pg.end().catch(() => undefined);
    await connector?.stop();
    await probe.stop();
    await sandbox.stop();
    await db.drop();
  }
}

interface MemorySample {
  t: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  gc?: boolean;
  snapshot?: boolean;
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * Has `lib/heap-probe.js` in the connector run a full GC (SIGWINCH) and returns what it measured then, with the
 * peak of each figure among its samples before.
 */
async function heapAfterFullGc(
  dir: string,
  pid: number,
): Promise<MemorySample & { peak: Omit<MemorySample, 't'> }> {
  const file = join(dir, readdirSync(dir).find((f) => f.endsWith(`-${pid}.jsonl`)) ?? `missing-${pid}.jsonl`);
  const samples = () =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as MemorySample);
  const before = samples().filter((s) => s.gc).length;
  process.kill(pid, 'SIGWINCH');
  const deadline = Date.now() + 300_000;
  for (;;) {
    const all = samples();
    const gcs = all.filter((s) => s.gc);
    const lastGc = all.map((s) => Boolean(s.gc)).lastIndexOf(true);
    const snapshotWritten =
      process.env['BENCH_GST_HEAP_SNAPSHOT'] !== 'true' || all.slice(lastGc).some((s) => s.snapshot);
    if (gcs.length > before && snapshotWritten) {
      const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
      for (const s of all) {
        for (const k of Object.keys(peak) as (keyof typeof peak)[]) peak[k] = Math.max(peak[k], s[k]);
      }
      return { ...gcs[gcs.length - 1], peak };
    }
    if (Date.now() > deadline) throw new Error('connector-gst did not report a full GC');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
