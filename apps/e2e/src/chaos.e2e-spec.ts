import type { ChaosReport, Fault, StackHandle } from '@practice-sync/testing';
import {
  chaosTable,
  FAST_RUN_ENV,
  killService,
  runChaos,
  startStack,
  terminateDatabaseConnections,
} from '@practice-sync/testing';

/**
 * The chaos suite's CI subset (`npm run chaos` runs every fault at a bigger size and prints the table): a clean
 * run of a small bucket, then a run of the same bucket per fault, each compared with the clean one job by job
 * and record by record (outcomes, records and versions, change feed, status grid, events). Each fault must lose,
 * double and leave stuck nothing. Times are printed, never asserted (2 shared cores).
 *
 * Left out here: the broker restart (needs a private broker and services that ride it out; `npm run chaos`
 * measures it) and the portal outage (its jobs may legitimately end failed, so "differs" is its figure).
 */

const CLIENTS = 8;

const FAULTS: Fault[] = [
  // The gateway killed while it creates the run: the retry with the same Idempotency-Key takes over the dead
  // gateway's claim and the orchestrator answers the run that key already created (one run, never two).
  killService('gateway', 'creation'),
  killService('sync-orchestrator', 'creation'),
  killService('sync-orchestrator', 'fan-out'),
  killService('connector-gst', 'mid-run'),
  killService('client-master', 'mid-run'),
  terminateDatabaseConnections('mid-run'),
];

describe('chaos: faults during a run lose, double and leave stuck nothing', () => {
  let stack: StackHandle;
  let report: ChaosReport;

  beforeAll(async () => {
    stack = await startStack({ access: 'lax', env: { ...FAST_RUN_ENV }, logPrefix: 'e2e-chaos-' });
    report = await runChaos({
      stack,
      clients: CLIENTS,
      faults: FAULTS,
      stuckAfterMs: 4 * 60_000,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`\n${chaosTable(report)}\n`);
  }, 40 * 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('the clean run did the bucket: every job finished', () => {
    expect(report.clean.finished).toBe(true);
    expect(report.clean.jobs).toBe(CLIENTS * 10);
  });

  it.each(FAULTS.map((f) => [f.name]))('%s: 0 lost, 0 duplicated, 0 stuck', (name) => {
    const row = report.rows.find((r) => r.fault === name);
    expect(row).toBeDefined();
    expect({
      lost: row?.lost,
      duplicated: row?.duplicated,
      stuck: row?.stuck,
      finished: row?.timing.finished,
      crashes: row?.crashes,
      faultError: row?.faultError,
      examples: row?.examples,
    }).toEqual({
      lost: 0,
      duplicated: 0,
      stuck: 0,
      finished: true,
      crashes: [],
      faultError: null,
      examples: expect.any(Array),
    });
  });
});
