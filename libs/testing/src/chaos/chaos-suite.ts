import { randomBytes } from 'node:crypto';

import type { PrivateKafka } from '../infra/private-kafka';
import { isAlive } from '../stack/processes';
import type { ServiceName } from '../stack/services';
import type { StackHandle } from '../stack/start-stack';
import { waitFor } from '../wait-for';
import { bucketCsv, settledGstPeriod } from './bucket';
import type { Aspect, RunComparison, RunSnapshot } from './compare-runs';
import { ASPECTS, compareRuns } from './compare-runs';
import type { Fault, FaultContext, Recovery } from './faults';
import type { PrivatePostgres } from './private-postgres';
import { clientNames, feedSize, FirmApi, readJobs, readRunSnapshot } from './run-snapshot';

export interface ChaosOptions {
  stack: StackHandle;
  /** The stack's broker when it is a private one (required by faults that restart it). */
  kafka?: PrivateKafka;
  /** The stack's PostgreSQL cluster when it is a private one (required by faults that restart it). */
  postgres?: PrivatePostgres;
  /** Clients in the bucket (10 jobs each with the default categories). */
  clients: number;
  categories?: string[];
  faults: readonly Fault[];
  /** A faulted run not finished this long after its fault resolved is read as it stands: its open jobs are stuck. */
  stuckAfterMs?: number;
  /** Share of the run's work finished before a mid-run fault strikes (default 0.3). */
  midRunShare?: number;
  log?: (line: string) => void;
}

export interface RunTiming {
  /** First POST → the run seen finished and its changes in the feed, by this process's clock. */
  runMs: number;
  /** Fault resolved → the run's finished work grew again (or it finished). */
  progressAfterFaultMs: number | null;
  finished: boolean;
}

export interface ChaosRow extends RunComparison {
  fault: string;
  /** Faulted run time ÷ clean run time. */
  slowdown: number;
  timing: RunTiming;
  recoveries: Recovery[];
  /** Services that died without the fault killing them (restarted by the suite, as a supervisor would). */
  crashes: string[];
  /** The fault itself threw (then the run is still read and compared). */
  faultError: string | null;
  /**
   * Where the run stood when the fault struck (`POST attempts 2` for a creation fault: the client had to send it
   * again; `jobs planned 40/80, work finished 0/72` otherwise), so a reader sees the fault hit its phase.
   */
  atStrike: string;
}

export interface ChaosReport {
  /** The clean run's timing, and how many entries of each aspect every faulted run was compared on. */
  clean: RunTiming & { jobs: number; entries: Record<Aspect, number> };
  rows: ChaosRow[];
}

const DEFAULT_CATEGORIES = ['gst.all', 'itr.all', 'esign.signature_timestamps'];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface RunView {
  id: string;
  status: string;
  finishedAt: string | null;
  totals: { work: number; workFinished: number; jobs: number };
}

/**
 * The chaos suite: one clean run of a bucket, then per fault a run of the same bucket (a new firm importing the
 * same clients, so the portals hold the same data for it) with the fault struck at its phase, each compared with
 * the clean run job by job and record by record (outcomes, records and versions, change feed, status grid,
 * events). A process that dies on its own during a faulted run is restarted and reported as a crash.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { stack } = options;
  const log = options.log ?? (() => undefined);
  const categories = options.categories ?? DEFAULT_CATEGORIES;
  const period = { gst: settledGstPeriod() };
  const series = 'CH';
  const csv = bucketCsv(series, options.clients, 'chaos');
  const kafkaView = () => ({ brokers: stack.kafkaBrokers, prefix: stack.topicPrefix });

  const newFirm = async (label: string): Promise<{ api: FirmApi; firmId: string }> => {
    const firm = await stack.createFirmWithAdmin(`Chaos ${label} ${randomBytes(2).toString('hex')}`);
    const api = new FirmApi(stack.gatewayUrl, firm.adminApiKey);
    const res = await fetch(`${stack.gatewayUrl}/v1/clients/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${firm.adminApiKey}`, 'content-type': 'text/csv' },
      body: csv,
    });
    if (res.status !== 200) throw new Error(`client import answered ${res.status}: ${await res.text()}`);
    return { api, firmId: firm.firmId };
  };

  /** POST /v1/sync-runs as a careful client: on no answer or a 5xx, again with the same Idempotency-Key. */
  const createRun = async (
    api: FirmApi,
    deadline: number,
    attempts: { n: number; last: string },
  ): Promise<string | null> => {
    const key = randomBytes(12).toString('hex');
    for (;;) {
      attempts.n += 1;
      try {
        const res = await fetch(`${api.gatewayUrl}/v1/sync-runs`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${api.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify({ clients: { tags: ['chaos'] }, categories, period }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        attempts.last = `${res.status}${res.status >= 400 ? ` ${/"type":"[^"]*?([a-z-]+)"/.exec(text)?.[1] ?? ''}` : ''}`;
        if (res.status === 202 || res.status === 200) return (JSON.parse(text) as { id: string }).id;
        if (res.status < 500 && res.status !== 409 && res.status !== 429)
          throw new Error(`POST /v1/sync-runs answered ${res.status}: ${text.slice(0, 300)}`);
      } catch (e) {
        if ((e as Error).message.startsWith('POST /v1/sync-runs answered')) throw e;
        attempts.last = 'no answer';
      }
      if (Date.now() > deadline) return null;
      await sleep(500);
    }
  };

  const getRun = async (api: FirmApi, runId: string): Promise<RunView | undefined> =>
    api.get<RunView>(`/v1/sync-runs/${runId}`).catch(() => undefined);

  /** client-master applies records after the run's results: wait until the feed holds what the jobs report. */
  const settle = async (api: FirmApi, runId: string, timeoutMs: number) => {
    const names = await clientNames(api);
    const reported = async () =>
      Object.values(await readJobs(api, runId, names))
        .flat()
        .reduce((n, v) => {
          const m = /\+(\d+) ~(\d+) -(\d+)/.exec(v);
          return n + (m ? Number(m[1]) + Number(m[2]) + Number(m[3]) : 0);
        }, 0);
    await waitFor(async () => (await feedSize(api, [...names.keys()])) >= (await reported()), {
      timeoutMs,
      intervalMs: 500,
      description: 'the change feed to hold every reported change',
    }).catch(() => undefined);
  };

  /** Jobs a run of the bucket plans (known after the warm-up run). */
  let expectedJobs = 0;
  const run = async (
    label: string,
    fault: Fault | null,
  ): Promise<{
    snapshot: RunSnapshot;
    timing: RunTiming;
    row?: Omit<ChaosRow, keyof RunComparison | 'slowdown' | 'fault'>;
  }> => {
    const { api, firmId } = await newFirm(label);
    const owned = new Set<ServiceName>();
    const ctx: FaultContext = { stack, kafka: options.kafka, postgres: options.postgres, owned };
    const crashes: string[] = [];
    let recoveries: Recovery[] = [];
    let faultError: string | null = null;
    let faultEnd = 0;
    let faulting: Promise<void> | null = null;
    let atStrike = '';
    const postAttempts = { n: 0, last: '' };
    let runIdNow: string | null = null;
    const strike = () => {
      faulting = (async () => {
        const r = runIdNow ? await getRun(api, runIdNow) : undefined;
        atStrike = r
          ? `jobs planned ${r.totals.jobs}/${expectedJobs}, work finished ${r.totals.workFinished}/${r.totals.work}`
          : 'run not created yet';
        log(`  ${label}: striking (${atStrike})`);
        try {
          recoveries = await fault!.inject(ctx);
        } catch (e) {
          faultError = (e as Error).message.split('\n')[0];
          log(`  ${label}: the fault failed: ${faultError}`);
        }
        faultEnd = performance.now();
      })();
    };
    // A supervisor: what dies and is not the fault's doing is restarted, and reported.
    let watching = true;
    const watch = (async () => {
      while (watching) {
        await sleep(1000);
        for (const [labelOf, pid] of Object.entries(stack.pids())) {
          const service = labelOf.split('#')[0] as ServiceName;
          if (labelOf.includes('#') || owned.has(service) || isAlive(pid)) continue;
          crashes.push(service);
          log(`  ${label}: ${service} died on its own; restarting it`);
          await stack.restart(service).catch((e: Error) => log(`  ${service}: restart failed: ${e.message}`));
        }
      }
    })();

    const t0 = performance.now();
    const stuckAfter = options.stuckAfterMs ?? 5 * 60_000;
    if (fault?.phase === 'creation') setTimeout(strike, 30);
    // A careful client gives the creation two minutes of retries with its key, then gives up.
    const runId = await createRun(api, Date.now() + Math.min(stuckAfter, 120_000), postAttempts);
    runIdNow = runId;
    if (fault?.phase === 'fan-out') strike();
    let finished = false;
    let progressAfterFaultMs: number | null = null;
    if (runId) {
      let lastFinishedWork = -1;
      let baseline = -1;
      for (;;) {
        const r = await getRun(api, runId);
        const now = performance.now();
        if (r) {
          if (
            fault?.phase === 'mid-run' &&
            !faulting &&
            r.totals.work > 0 &&
            r.totals.workFinished >= Math.max(1, r.totals.work * (options.midRunShare ?? 0.3))
          )
            strike();
          if (faultEnd && baseline < 0) baseline = r.totals.workFinished;
          if (faultEnd && progressAfterFaultMs === null && (r.totals.workFinished > baseline || r.finishedAt))
            progressAfterFaultMs = Math.round(now - faultEnd);
          lastFinishedWork = r.totals.workFinished;
          if (r.finishedAt && (!fault || faultEnd)) {
            finished = true;
            break;
          }
        }
        const since = faultEnd || t0;
        if (now - since > stuckAfter) break;
        await sleep(500);
      }
      log(`  ${label}: ${finished ? 'finished' : `not finished (work finished ${lastFinishedWork})`}`);
    }
    if (faulting) await faulting;
    // The firm has the run's data once client-master applied it, not when the run row says finished.
    if (runId && finished) await settle(api, runId, 60_000);
    const runMs = Math.round(performance.now() - t0);
    watching = false;
    await watch;
    // A status cell or an event relayed a moment after the last record.
    await sleep(2000);
    const snapshot = await readRunSnapshot(api, runId, { ...kafkaView(), firmId });
    return {
      snapshot,
      timing: { runMs, progressAfterFaultMs, finished },
      row: {
        timing: { runMs, progressAfterFaultMs, finished },
        recoveries,
        crashes,
        faultError,
        atStrike:
          fault?.phase === 'creation'
            ? `POST sent ${postAttempts.n}×, last answer ${postAttempts.last}`
            : atStrike,
      },
    };
  };

  log(`warm-up run (not compared): ${options.clients} clients × ${categories.join(', ')}`);
  // The first run on a fresh stack pays for cold code paths and connection pools: not a fair baseline.
  const warm = await run('warm-up', null);
  expectedJobs = Object.values(warm.snapshot.jobs).flat().length;
  log(`warm-up run: ${expectedJobs} jobs in ${(warm.timing.runMs / 1000).toFixed(1)} s`);
  const clean = await run('clean', null);
  const jobs = Object.values(clean.snapshot.jobs).flat().length;
  const entries = Object.fromEntries(
    ASPECTS.map((a) => [a, Object.values(clean.snapshot[a]).flat().length]),
  ) as Record<Aspect, number>;
  log(
    `clean run: ${jobs} jobs in ${(clean.timing.runMs / 1000).toFixed(1)} s; compared on ` +
      ASPECTS.map((a) => `${entries[a]} ${a}`).join(', '),
  );
  const rows: ChaosRow[] = [];
  for (const fault of options.faults) {
    log(`${fault.name}`);
    const faulted = await run(fault.name, fault);
    if (fault.coolDownMs) await sleep(fault.coolDownMs);
    const comparison = compareRuns(clean.snapshot, faulted.snapshot);
    const row: ChaosRow = {
      fault: fault.name,
      ...comparison,
      slowdown: Math.round((faulted.timing.runMs / clean.timing.runMs) * 100) / 100,
      ...faulted.row!,
    };
    rows.push(row);
    log(formatRow(row));
    for (const e of row.examples.slice(0, 5)) log(`    ${e}`);
  }
  return { clean: { ...clean.timing, jobs, entries }, rows };
}

const ASPECT_NAMES: Record<Aspect, string> = {
  jobs: 'jobs',
  records: 'records',
  feed: 'change-feed entries',
  grid: 'status-grid cells',
  events: 'events',
};

function formatRow(r: ChaosRow): string {
  const rec = r.recoveries.map(
    (x) => `${x.what} ${x.unit === 'ms' ? `${(x.value / 1000).toFixed(1)} s` : `${x.value} ${x.unit}`}`,
  );
  return (
    `  → lost ${r.lost}, duplicated ${r.duplicated}, stuck ${r.stuck}, differs ${r.differs} (explained ${r.explained}), ` +
    `slowdown ${r.slowdown.toFixed(2)}×${rec.length ? `; ${rec.join('; ')}` : ''}` +
    `${r.crashes.length ? `; crashed: ${r.crashes.join(', ')}` : ''}${r.faultError ? `; fault failed: ${r.faultError}` : ''}`
  );
}

/** The report as a Markdown table (what `npm run chaos` prints and docs/chaos.md keeps). */
export function chaosTable(report: ChaosReport): string {
  const lines = [
    `Clean run: ${report.clean.jobs} jobs in ${(report.clean.runMs / 1000).toFixed(1)} s; each faulted run ` +
      `compared on ${ASPECTS.map((a) => `${report.clean.entries[a]} ${ASPECT_NAMES[a]}`).join(', ')}.`,
    '',
    '| fault | struck at | lost | duplicated | stuck | differs (explained) | slowdown | fault → progress | restart → consuming, other figures | crashed |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of report.rows) {
    const rec = r.recoveries
      .map(
        (x) => `${x.what} ${x.unit === 'ms' ? `${(x.value / 1000).toFixed(1)} s` : `${x.value} ${x.unit}`}`,
      )
      .join('; ');
    const progress =
      r.timing.progressAfterFaultMs === null ? '—' : `${(r.timing.progressAfterFaultMs / 1000).toFixed(1)} s`;
    lines.push(
      `| ${r.fault} | ${r.atStrike || '—'} | ${r.lost} | ${r.duplicated} | ${r.stuck}${r.timing.finished ? '' : ' (run unfinished)'} | ${r.differs}${r.explained ? ` (${r.explained})` : ''} | ` +
        `${r.slowdown.toFixed(2)}× | ${progress} | ${rec || '—'}${r.faultError ? ` (fault failed: ${r.faultError})` : ''} | ${r.crashes.join(', ') || '—'} |`,
    );
  }
  return lines.join('\n');
}
