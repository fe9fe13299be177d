/**
 * Branch sync figures: vouchers per second through one consolidation (a branch's vouchers into an empty head
 * office) by connector-books — Kafka in, the connector's export / completeness / import over Tally's XML
 * against the sandbox's books servers, Kafka out — against the sandbox's own export + import of the same books
 * with no pipeline (`lib/books-baseline.ts`), in one run, with the peak RSS of connector-books and the sandbox.
 * `BENCH_BOOKS_VOUCHERS` (default 20000) sizes the branch. Needs Kafka (KAFKA_BROKERS, default
 * 127.0.0.1:9092) and PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 * Fails loudly when a head office does not end up holding exactly the branch's vouchers (by GUID).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { BooksJobCompleted, BooksJobRequested } from '@practice-sync/contracts';
import type { ConnectorProcess, SandboxProcess, ScratchDatabase } from '@practice-sync/testing';
import {
  BooksProbe,
  createScratchDatabase,
  SandboxBooks,
  startConnectorProcess,
  startSandboxProcess,
} from '@practice-sync/testing';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';

import { copyBooks } from './lib/books-baseline';
import { cpuSecondsOf } from './lib/cpu';
import { peakRssMb } from './lib/pipeline';

const ROOT = join(__dirname, '..');
const VOUCHERS = Number(process.env['BENCH_BOOKS_VOUCHERS'] ?? 20_000);
/** The connector's default export window, used by the baseline too. */
const WINDOW = 1000;
const JOB_TIMEOUT_MS = 30 * 60_000;
/** `BENCH_CPU_PROFILE=<dir>`: a V8 CPU profile of connector-books (`lib/cpu-profile.js`), written at the end. */
const PROFILE_DIR = process.env['BENCH_CPU_PROFILE'];

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const MB = 1024 * 1024;

/** A `books.snapshot` job: the server company's books (masters and vouchers, every type) into the client. */
function snapshotJob(serverUrl: string, clientUrl: string): BooksJobRequested {
  return {
    jobId: uuidv7(),
    runId: uuidv7(),
    firmId: uuidv7(),
    linkId: uuidv7(),
    category: 'books.snapshot',
    client: { companyId: uuidv7(), booksUrl: clientUrl },
    server: { companyId: uuidv7(), booksUrl: serverUrl },
    rules: [
      { id: uuidv7(), class: 'masters', types: [], direction: 'receive', fromDate: null },
      { id: uuidv7(), class: 'transactions', types: [], direction: 'receive', fromDate: null },
    ],
    attempt: 1,
  };
}

/** A counter of connector-books' /metrics (0 when not yet counted). */
async function metric(url: string, name: string, event: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`event="${event}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

function assertSnapshot(what: string, result: BooksJobCompleted): void {
  if (result.outcome !== 'succeeded' || !result.snapshot) {
    throw new Error(
      `${what}: the job ended ${result.outcome} (${result.errorCode ?? '-'}: ${result.errorMessage ?? '-'})`,
    );
  }
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Samples the resident set of some processes every 100 ms; `stop()` gives each one's peak, MB. */
function sampleRss(pids: Record<string, number>): { stop(): Record<string, number> } {
  const peak: Record<string, number> = {};
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) peak[name] = Math.max(peak[name] ?? 0, rssMb(pid) || 0);
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v)]));
    },
  };
}

const alive = (pid: number): boolean => {
  try {
    return !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

/** Waits for a promise unless one of the processes is gone first (e.g. out of memory): then it throws. */
async function unlessDead<T>(work: Promise<T>, pids: Record<string, number>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const dead = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      const gone = Object.entries(pids).find(([, pid]) => !alive(pid));
      if (gone) reject(new Error(`${gone[0]} (pid ${gone[1]}) exited before the job finished`));
    }, 500);
  });
  try {
    return await Promise.race([work, dead]);
  } finally {
    clearInterval(timer);
  }
}

/** The company's voucher GUIDs as the sandbox's control API lists them. */
async function voucherGuids(books: SandboxBooks, key: string): Promise<Set<string>> {
  return new Set((await books.objects(key, 'voucher')).map((o) => o.guid));
}

/** Throws unless `got` holds exactly the `want` GUIDs: a bench that moved nothing must not print a figure. */
function assertSameVouchers(what: string, want: Set<string>, got: Set<string>): void {
  const missing = [...want].filter((g) => !got.has(g));
  const extra = [...got].filter((g) => !want.has(g));
  if (want.size !== VOUCHERS || missing.length || extra.length) {
    throw new Error(
      `${what}: the head office holds ${got.size} vouchers, the branch ${want.size} (expected ${VOUCHERS}); ` +
        `${missing.length} missing, ${extra.length} not from the branch`,
    );
  }
}

export async function run() {
  if (!Number.isInteger(VOUCHERS) || VOUCHERS < 1)
    throw new Error('BENCH_BOOKS_VOUCHERS: a positive integer');
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const baseDb = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const tag = `bench_${Date.now().toString(36)}`;
  const prefix = `${tag}.`;
  let db: ScratchDatabase | undefined;
  let sandbox: SandboxProcess | undefined;
  let probe: BooksProbe | undefined;
  let connector: ConnectorProcess | undefined;
  try {
    db = await createScratchDatabase(baseDb, tag);
    sandbox = await startSandboxProcess({ SANDBOX_START_AT: '2026-06-25T10:00:00Z', LOG_LEVEL: 'silent' });
    execFileSync(process.execPath, ['-r', '@swc-node/register', 'apps/connector-books/src/migrate.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    probe = await BooksProbe.start(brokers, prefix);
    const connectorEnv: Record<string, string> = {
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: '2',
      DATABASE_URL: db.url,
      LOG_LEVEL: 'error',
      JOB_POLL_INTERVAL_MS: '200',
      PORTAL_RATE_LIMIT_PER_MINUTE: '0',
      // The snapshot killed mid-way is claimed again by the restarted process after its lease.
      JOB_LEASE_MS: '5000',
      FETCH_TIMEOUT_MS: String(JOB_TIMEOUT_MS),
      ...(PROFILE_DIR
        ? { NODE_OPTIONS: `--require ${join(__dirname, 'lib/cpu-profile.js')}`, CPU_PROFILE_DIR: PROFILE_DIR }
        : {}),
      ...(process.env['BENCH_BOOKS_CONNECTOR_ENV']
        ? (JSON.parse(process.env['BENCH_BOOKS_CONNECTOR_ENV']) as Record<string, string>)
        : {}),
    };
    connector = await startConnectorProcess('connector-books', connectorEnv);
    const books = new SandboxBooks(sandbox.url);
    const seedStarted = process.hrtime.bigint();
    const branch = await books.company(`${tag}-branch`, 'Pune Branch', VOUCHERS);
    const seedSeconds = Number(process.hrtime.bigint() - seedStarted) / 1e9;
    const ho = await books.company(`${tag}-ho`, 'Head Office', 0);
    const hoBaseline = await books.company(`${tag}-ho-raw`, 'Head Office Raw', 0);
    const branchVouchers = await voucherGuids(books, branch.key);
    const masters = (await books.objects(branch.key)).filter(
      (o) => o.type.toUpperCase() !== 'VOUCHER' && !o.reserved,
    ).length;
    const rssAfterSeed = {
      sandbox: Math.round(rssMb(sandbox.pid)),
      connector: Math.round(rssMb(connector.pid)),
    };

    // The pipeline: one books.transactions job over a link whose client (the branch) sends its vouchers.
    const firmId = uuidv7();
    const job: BooksJobRequested = {
      jobId: uuidv7(),
      runId: uuidv7(),
      firmId,
      linkId: uuidv7(),
      category: 'books.transactions',
      client: { companyId: uuidv7(), booksUrl: branch.booksUrl },
      server: { companyId: uuidv7(), booksUrl: ho.booksUrl },
      rules: [{ id: uuidv7(), class: 'transactions', types: [], direction: 'send', fromDate: null }],
      attempt: 1,
    };
    const pids = { connector: connector.pid, sandbox: sandbox.pid };
    const cpuBefore = { connector: cpuSecondsOf(connector.pid), sandbox: cpuSecondsOf(sandbox.pid) };
    let rss = sampleRss(pids);
    const started = process.hrtime.bigint();
    await probe.publish(firmId, [job]);
    const [result] = await unlessDead(probe.waitForResults([job], JOB_TIMEOUT_MS), {
      'connector-books': connector.pid,
      sandbox: sandbox.pid,
    });
    const pipelineSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const pipelinePeak = rss.stop();
    const pipelineCpu = {
      connector: cpuSecondsOf(connector.pid) - cpuBefore.connector,
      sandbox: cpuSecondsOf(sandbox.pid) - cpuBefore.sandbox,
    };
    if (result.outcome !== 'succeeded') {
      throw new Error(
        `pipeline: the job ended ${result.outcome} (${result.errorCode ?? '-'}: ${result.errorMessage ?? '-'}), ` +
          `counts ${JSON.stringify(result.counts)}`,
      );
    }
    assertSameVouchers('pipeline', branchVouchers, await voucherGuids(books, ho.key));
    const batches = probe.appliedOf(job.jobId).length;

    // The baseline: the same books copied by a plain script over the same HTTP/XML.
    const sandboxCpuBefore = cpuSecondsOf(sandbox.pid);
    rss = sampleRss({ sandbox: sandbox.pid });
    const baselineStarted = process.hrtime.bigint();
    const counters = await copyBooks(branch.booksUrl, hoBaseline.booksUrl, WINDOW);
    const baselineSeconds = Number(process.hrtime.bigint() - baselineStarted) / 1e9;
    const baselinePeak = rss.stop();
    const baselineSandboxCpu = cpuSecondsOf(sandbox.pid) - sandboxCpuBefore;
    if (counters.errors) throw new Error(`baseline: ${counters.errors} object(s) refused by the head office`);
    assertSameVouchers('baseline', branchVouchers, await voucherGuids(books, hoBaseline.key));

    // Snapshot: the branch's books (masters, then vouchers) into a new, empty company, in acknowledged chunks.
    const fresh = await books.company(`${tag}-snap`, 'New Branch', 0);
    const snapshot = snapshotJob(branch.booksUrl, fresh.booksUrl);
    const bytesBefore = await metric(connector.url, 'connector_books_snapshot_bytes_total', 'acknowledged');
    const snapshotStarted = process.hrtime.bigint();
    await probe.publish(snapshot.firmId, [snapshot]);
    const [snapped] = await unlessDead(probe.waitForResults([snapshot], JOB_TIMEOUT_MS), {
      'connector-books': connector.pid,
      sandbox: sandbox.pid,
    });
    const snapshotSeconds = Number(process.hrtime.bigint() - snapshotStarted) / 1e9;
    assertSnapshot('snapshot', snapped);
    assertSameVouchers('snapshot', branchVouchers, await voucherGuids(books, fresh.key));
    const stagedBytes =
      (await metric(connector.url, 'connector_books_snapshot_bytes_total', 'acknowledged')) - bytesBefore;

    // Resume cost: the same snapshot into another empty company, connector-books SIGKILLed once half its chunks
    // are acknowledged, a new process resumes it.
    const killed = await books.company(`${tag}-snap-kill`, 'Killed Branch', 0);
    const resumed = snapshotJob(branch.booksUrl, killed.booksUrl);
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    let atKill = { total: 0, acknowledged: 0 };
    try {
      await probe.publish(resumed.firmId, [resumed]);
      for (;;) {
        const { rows } = await pg.query<{ total: number; acknowledged: number; staged: boolean }>(
          `SELECT count(c.*)::int AS total, count(c.acknowledged_at)::int AS acknowledged,
                  bool_or(s.chunks IS NOT NULL) AS staged
             FROM connector_books.books_snapshots s
             LEFT JOIN connector_books.books_snapshot_chunks c ON c.job_id = s.job_id
            WHERE s.job_id = $1`,
          [resumed.jobId],
        );
        if (rows[0]?.staged && rows[0].acknowledged >= rows[0].total / 2) {
          atKill = rows[0];
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await pg.end();
    }
    await connector.kill();
    connector = await startConnectorProcess('connector-books', connectorEnv);
    const [afterKill] = await unlessDead(probe.waitForResults([resumed], JOB_TIMEOUT_MS), {
      'connector-books': connector.pid,
      sandbox: sandbox.pid,
    });
    assertSnapshot('resumed snapshot', afterKill);
    assertSameVouchers('resumed snapshot', branchVouchers, await voucherGuids(books, killed.key));
    const chunks = afterKill.snapshot as NonNullable<BooksJobCompleted['snapshot']>;

    const booksMb = counters.bytes / MB;
    const pipelineRate = VOUCHERS / pipelineSeconds;
    const baselineRate = VOUCHERS / baselineSeconds;
    const c = result.counts;
    return [
      {
        name: 'vouchers consolidated',
        value: VOUCHERS,
        unit: 'vouchers',
        note: `branch seeded in ${round(seedSeconds)} s with ${masters} masters; HO empty; checked by GUID on both HOs`,
      },
      {
        name: 'pipeline time',
        value: round(pipelineSeconds, 2),
        unit: 's',
        note: `publish books.job.requested → books.job.completed; created ${c.created} (vouchers + masters brought along), altered ${c.altered}, unchanged ${c.unchanged}, errors ${c.errors}; ${batches} applied batches`,
      },
      { name: 'pipeline throughput', value: round(pipelineRate), unit: 'vouchers/s' },
      {
        name: 'baseline time',
        value: round(baselineSeconds, 2),
        unit: 's',
        note: `sandbox export + import, no pipeline: masters, then ${WINDOW}-ALTERID windows, one import each; created ${counters.created}, ignored ${counters.ignored}`,
      },
      { name: 'baseline throughput', value: round(baselineRate), unit: 'vouchers/s' },
      {
        name: 'ratio',
        value: round(pipelineRate / baselineRate, 2),
        unit: 'pipeline/baseline',
        note: 'vouchers/s through connector-books ÷ vouchers/s of the plain export + import',
      },
      {
        name: 'snapshot time',
        value: round(snapshotSeconds, 2),
        unit: 's',
        note: `books.snapshot of the same books into an empty company: ${snapped.snapshot?.total} chunks (BOOKS_SNAPSHOT_CHUNK_SIZE), staged sealed in PostgreSQL then imported and acknowledged one by one; created ${snapped.counts.created}, errors ${snapped.counts.errors}`,
      },
      { name: 'snapshot throughput', value: round(VOUCHERS / snapshotSeconds), unit: 'vouchers/s' },
      {
        name: 'snapshot MB/s',
        value: round(booksMb / snapshotSeconds, 2),
        unit: 'MB/s',
        note: `the books' exported XML (${round(booksMb)} MB) ÷ snapshot time; staged chunks held ${round(stagedBytes / MB)} MB of JSON`,
      },
      {
        name: 'baseline MB/s',
        value: round(booksMb / baselineSeconds, 2),
        unit: 'MB/s',
        note: 'the same MB ÷ the plain export + import time',
      },
      {
        name: 'snapshot ratio',
        value: round(baselineSeconds / snapshotSeconds, 2),
        unit: 'snapshot/baseline',
        note: 'vouchers/s of the snapshot ÷ vouchers/s of the plain export + import',
      },
      {
        name: 'resume cost: chunks re-sent after a kill',
        value: chunks.resent,
        unit: 'chunks',
        note: `SIGKILL at ${atKill.acknowledged}/${atKill.total} chunks acknowledged; the new process resumed at chunk ${chunks.resumedFrom} and sent ${chunks.sent} (acknowledged chunks are never sent again)`,
      },
      {
        name: 'connector-books peak RSS',
        value: pipelinePeak['connector'],
        unit: 'MB',
        note: `VmRSS every 100 ms during the job (${rssAfterSeed.connector} MB before; VmHWM at the end ${peakRssMb(connector.pid)} MB); CPU ${round(pipelineCpu.connector)} s`,
      },
      {
        name: 'sandbox peak RSS, pipeline',
        value: pipelinePeak['sandbox'],
        unit: 'MB',
        note: `during the job (${rssAfterSeed.sandbox} MB after seeding the branch); CPU ${round(pipelineCpu.sandbox)} s`,
      },
      {
        name: 'sandbox peak RSS, baseline',
        value: baselinePeak['sandbox'],
        unit: 'MB',
        note: `during the baseline copy (the sandbox now also holds the pipeline's HO); CPU ${round(baselineSandboxCpu)} s`,
      },
    ];
  } finally {
    if (PROFILE_DIR && connector) {
      process.kill(connector.pid, 'SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await connector?.stop();
    await probe?.stop();
    await sandbox?.stop();
    await db?.drop();
  }
}
