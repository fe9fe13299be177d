/**
 * Orchestrator fan-out figures: the real sync-orchestrator process (real Kafka and PostgreSQL) resolves one run
 * of 10,000 clients × 10 categories (every category; each client has a PAN, one GSTIN and an e-sign file, so
 * 100,000 jobs) against a stand-in client-master in this process that serves the selection in pages of 500.
 * No connectors run: this measures bucket resolution, job rows and the outbox, not portal work.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';

import { gstinFor, panFor } from './lib/identities';

const ROOT = join(__dirname, '..');
const CLIENTS = 10_000;
const CATEGORIES = ['gst.all', 'itr.all', 'esign.signature_timestamps'];
const JOBS = CLIENTS * 10;
const BASE_DB = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';

interface BenchClient {
  id: string;
  pan: string;
  gstins: string[];
  esignClientFileId: string;
}

function makeClients(): BenchClient[] {
  return Array.from({ length: CLIENTS }, (_, n) => {
    const pan = panFor(n);
    return {
      id: uuidv7(),
      pan,
      gstins: [gstinFor(pan)],
      esignClientFileId: `CF-${n}`,
    };
  });
}

function clientMaster(clients: BenchClient[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { limit: number; cursor: string | null };
      let start = 0;
      if (body.cursor) start = clients.findIndex((c) => c.id > (body.cursor as string));
      const items = clients.slice(start, start + body.limit);
      const nextCursor = start + body.limit < clients.length ? items[items.length - 1].id : null;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          items: items.map((c) => ({ ...c, name: c.pan, tan: null, office: null, tags: [] })),
          nextCursor,
        }),
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

function run(cmd: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', ...cmd], { cwd: ROOT, env, stdio: 'ignore' });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : -1;
}

async function run_(): Promise<{ name: string; value: number; unit: string; note?: string }[]> {
  const dbName = `ps_bench_${Date.now()}`;
  const admin = new Client({ connectionString: BASE_DB });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(BASE_DB);
  url.pathname = `/${dbName}`;
  const clients = makeClients();
  const cm = await clientMaster(clients);
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const env = {
    ...process.env,
    PORT: String(port),
    LOG_LEVEL: 'error',
    DATABASE_URL: url.toString(),
    KAFKA_BROKERS: BROKERS,
    KAFKA_TOPIC_PREFIX: `bench${Date.now()}.`,
    CLIENT_MASTER_URL: cm.url,
  };
  let proc: ChildProcess | null = null;
  const db = new Client({ connectionString: url.toString() });
  try {
    const code = await new Promise<number | null>((r) =>
      run(['apps/sync-orchestrator/src/migrate.ts'], env).on('exit', r),
    );
    if (code !== 0) throw new Error(`migrations failed (${code})`);
    proc = run(['apps/sync-orchestrator/src/main.ts'], env);
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (i > 240) throw new Error('orchestrator did not get ready');
      const ok = await fetch(`${base}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await sleep(500);
    }
    const rssBefore = rssMb(proc.pid as number);
    await db.connect();
    const t0 = Date.now();
    const res = await fetch(`${base}/internal/v1/firms/bench-firm/sync-runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clients: { all: true }, categories: CATEGORIES }),
    });
    const { id } = (await res.json()) as { id: string };
    let peak = rssBefore;
    let done: { jobs_total: number; fan_out_done_at: Date | null } | undefined;
    for (;;) {
      peak = Math.max(peak, rssMb(proc.pid as number));
      const rows = await db.query(
        'SELECT jobs_total, fan_out_done_at FROM sync_orchestrator.sync_runs WHERE id = $1',
        [id],
      );
      done = rows.rows[0] as typeof done;
      if (done?.fan_out_done_at) break;
      if (Date.now() - t0 > 600_000) throw new Error('fan-out did not finish in 10 min');
      await sleep(100);
    }
    const seconds = (done.fan_out_done_at.getTime() - t0) / 1000;
    const outboxRows = await db.query(
      `SELECT count(*)::int AS n FROM sync_orchestrator.sync_jobs WHERE status = 'running'`,
    );
    return [
      {
        name: 'fan-out 10,000 clients × 10 categories',
        value: Math.round(seconds * 100) / 100,
        unit: 's',
        note: 'POST sync-run → fan_out_done_at (run row), real orchestrator process, pages of 500 from a stand-in client-master',
      },
      {
        name: 'fan-out throughput',
        value: Math.round(done.jobs_total / seconds),
        unit: 'jobs/s',
        note: `${done.jobs_total} job rows (expected ${JOBS}) written in batches per page`,
      },
      {
        name: 'orchestrator RSS before / peak during fan-out',
        value: peak,
        unit: 'MB',
        note: `VmRSS sampled every 100 ms; ${rssBefore} MB before the run`,
      },
      {
        name: 'jobs dispatched without connectors',
        value: Number((outboxRows.rows[0] as { n: number }).n),
        unit: 'jobs',
        note: 'the rest stay pending: DISPATCH_PORTAL_MAX_IN_FLIGHT (200) per portal family caps what is handed out',
      },
    ];
  } finally {
    proc?.kill('SIGTERM');
    await sleep(1000);
    await db.end().catch(() => undefined);
    cm.server.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

export { run_ as run };
