import { Logger } from '@nestjs/common';
import type { Envelope, SyncJobCompleted } from '@practice-sync/contracts';
import { BooksJobCompletedEvent, createEnvelope, SyncJobCompletedEvent } from '@practice-sync/contracts';
import { EntityRows } from '@practice-sync/persistence';
import { Registry } from 'prom-client';
import type { EntityManager } from 'typeorm';

import { loadOrchestratorConfig } from '../config/orchestrator.config';
import type { DispatchWorker } from '../dispatch/dispatch.worker';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import { SyncJobEntity } from '../runs/sync-job.entity';
import { SyncRunEntity } from '../runs/sync-run.entity';
import { ResultsService } from './results.service';

const FIRM = 'firm-1';
const RUN_ID = '01936f6e-0000-7000-8000-000000000001';
const JOB_ID = '01936f6e-0000-7000-8000-0000000000aa';
const NOW = new Date('2026-11-22T10:00:10.000Z');

/** A running run with one job out with a connector (attempt 1). */
function runRow(): SyncRunEntity {
  return Object.assign(new SyncRunEntity(), {
    id: RUN_ID,
    firmId: FIRM,
    status: 'running',
    selection: { all: true },
    categories: ['gst.gstr2b'],
    period: { gst: '102026' },
    scheduleId: null,
    retryOf: null,
    cancelledAt: null,
    progressEmittedAt: null,
    progressDirty: false,
    jobsTotal: 1,
    pending: 0,
    running: 1,
    succeeded: 0,
    noChange: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
    noData: 0,
    partial: 0,
    fanOutPage: 1,
    fanOutCursor: null,
    fanOutLeaseUntil: null,
    fanOutError: null,
    fanOutDoneAt: NOW,
    createdAt: NOW,
    startedAt: NOW,
    finishedAt: null,
    updatedAt: NOW,
  });
}

function jobRow(): SyncJobEntity {
  return Object.assign(new SyncJobEntity(), {
    id: JOB_ID,
    runId: RUN_ID,
    firmId: FIRM,
    clientId: 'c0000000-0000-4000-8000-000000000001',
    category: 'gst.gstr2b',
    subjectKind: 'gstin',
    subjectValue: '27AAACR5055K1Z5',
    period: '102026',
    status: 'running',
    outcome: null,
    attempts: 1,
    deferrals: 0,
    createdAt: NOW,
  });
}

/** Reads like the database would: the same committed rows on every try (a rolled-back try changed nothing). */
jest.mock('../runs/run-announcer', () => ({
  ...jest.requireActual<object>('../runs/run-announcer'),
  // The run locked with its job joined (ResultsService reads both in one statement).
  lockRunWithJob: async () => ({ run: runRow(), job: jobRow() }),
}));
// Job and run patches go through EntityRows (plain SQL; its own spec runs it on PostgreSQL): recorded here, in
// the order written (a result's job and run go in one statement, the job first).
jest.spyOn(EntityRows, 'of').mockReturnValue({
  patch: (id: string, patch: Record<string, unknown>) => ({ id, patch }),
} as unknown as EntityRows<never>);
jest.spyOn(EntityRows, 'updateTogether').mockImplementation(async (_m, patches) => {
  for (const { patch } of patches) updates.push(patch);
});
const manager = { query: async () => [] } as unknown as EntityManager;
/** Every job/run patch written, newest last. */
const updates: Record<string, unknown>[] = [];

function completed(over: Partial<SyncJobCompleted> = {}): Envelope<unknown> {
  return createEnvelope(
    SyncJobCompletedEvent,
    {
      jobId: JOB_ID,
      runId: RUN_ID,
      clientId: 'c0000000-0000-4000-8000-000000000001',
      category: 'gst.gstr2b',
      subject: { kind: 'gstin', value: '27AAACR5055K1Z5' },
      period: '102026',
      attempt: 1,
      outcome: 'succeeded',
      errorCode: null,
      errorMessage: null,
      retryable: false,
      counts: { added: 3, updated: 0, removed: 0, unchanged: 0 },
      startedAt: '2026-11-22T10:00:02.000Z',
      finishedAt: '2026-11-22T10:00:05.000Z',
      ...over,
    },
    { firmId: FIRM, correlationId: RUN_ID },
  );
}

describe('ResultsService metrics', () => {
  let registry: Registry;
  let service: ResultsService;
  let nudges: number;
  let holds: { portal: string; untilMs: number }[];

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    registry = new Registry();
    nudges = 0;
    holds = [];
    const dispatcher = {
      nudge: () => void nudges++,
      holdPortal: (portal: string, untilMs: number) => void holds.push({ portal, untilMs }),
    } as unknown as DispatchWorker;
    service = new ResultsService(
      new OrchestratorMetrics(registry),
      dispatcher,
      loadOrchestratorConfig({ JOB_MAX_ATTEMPTS: '3' }),
      { now: () => NOW },
    );
  });

  /** One try of the consumer: the handler runs in a transaction that then commits or rolls back. */
  async function handle(envelope: Envelope<unknown>, outcome: 'commit' | 'rollback'): Promise<void> {
    const hooks: (() => void)[] = [];
    await service.apply(envelope, { manager, afterCommit: (fn) => void hooks.push(fn) });
    if (outcome === 'commit') for (const hook of hooks) hook();
  }

  async function value(name: string, labels: Record<string, string>): Promise<number> {
    const metric = registry.getSingleMetric(name);
    const { values } = await (metric as NonNullable<typeof metric>).get();
    const found = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return found?.value ?? 0;
  }

  it('counts a recorded result once, when its transaction commits, not for a rolled-back try', async () => {
    const envelope = completed();
    await handle(envelope, 'rollback');
    const outcome = { portal: 'gst', category: 'gst.gstr2b', outcome: 'succeeded' };
    expect(await value('sync_jobs_completed_total', outcome)).toBe(0);
    expect(await value('sync_runs_total', { status: 'completed' })).toBe(0);
    expect(nudges).toBe(0);

    // The redelivered event's retry commits: counted exactly once.
    await handle(envelope, 'commit');
    expect(await value('sync_jobs_completed_total', outcome)).toBe(1);
    expect(await value('sync_runs_total', { status: 'completed' })).toBe(1);
    expect(nudges).toBe(1);
  });

  it('counts a scheduled retry once, when its transaction commits', async () => {
    const envelope = completed({
      outcome: 'failed',
      errorCode: 'rate_limited',
      errorMessage: 'slow down',
      retryable: true,
      counts: { added: 0, updated: 0, removed: 0, unchanged: 0 },
    });
    await handle(envelope, 'rollback');
    expect(await value('sync_jobs_retried_total', { portal: 'gst', reason: 'rate_limited' })).toBe(0);
    await handle(envelope, 'commit');
    expect(await value('sync_jobs_retried_total', { portal: 'gst', reason: 'rate_limited' })).toBe(1);
    expect(await value('sync_jobs_completed_total', { portal: 'gst' })).toBe(0);
  });

  it("re-queues a throttled job for the portal's time, not spending the attempt, and counts it once", async () => {
    const envelope = completed({
      outcome: 'failed',
      errorCode: 'rate_limited',
      errorMessage: 'the portal is throttling requests',
      retryable: true,
      retryAfterMs: 90_000,
      counts: { added: 0, updated: 0, removed: 0, unchanged: 0 },
    });
    await handle(envelope, 'rollback');
    expect(await value('sync_jobs_rate_limit_requeued_total', { portal: 'gst' })).toBe(0);
    updates.length = 0;
    await handle(envelope, 'commit');
    expect(await value('sync_jobs_rate_limit_requeued_total', { portal: 'gst' })).toBe(1);
    expect(await value('sync_jobs_retried_total', { portal: 'gst', reason: 'rate_limited' })).toBe(0);
    expect(updates[0]).toMatchObject({
      status: 'pending',
      deferrals: 1,
      nextAttemptAt: new Date(NOW.getTime() + 90_000),
    });
    // The dispatcher holds the portal's other jobs for the same time.
    expect(holds).toEqual([{ portal: 'gst', untilMs: expect.any(Number) }]);
    expect(holds[0].untilMs - Date.now()).toBeGreaterThan(85_000);
  });

  it('records a books result through the same path: created/altered/deleted/unchanged, refused objects, metrics', async () => {
    const envelope = createEnvelope(
      BooksJobCompletedEvent,
      {
        jobId: JOB_ID,
        runId: RUN_ID,
        linkId: '01936f6e-0000-7000-8000-0000000000bb',
        category: 'books.transactions',
        attempt: 1,
        outcome: 'partial',
        errorCode: null,
        errorMessage: '2 objects refused by the receiver',
        retryable: false,
        counts: { created: 5, altered: 1, deleted: 2, unchanged: 3, held: 1, conflicts: 1, errors: 2 },
        failedObjects: [
          { guid: 'g-1', type: 'VOUCHER', errorCode: 'missing_master' },
          { guid: 'g-2', type: 'VOUCHER', errorCode: 'totals_mismatch' },
        ],
        startedAt: '2026-11-22T10:00:02.000Z',
        finishedAt: '2026-11-22T10:00:05.000Z',
      },
      { firmId: FIRM, correlationId: RUN_ID },
    );
    updates.length = 0;
    await handle(envelope, 'commit');
    expect(updates[0]).toMatchObject({
      status: 'done',
      outcome: 'partial',
      added: 5,
      updated: 1,
      removed: 2,
      unchanged: 3,
      objectErrors: 2,
      failedObjects: 2,
      booksHeld: 1,
      booksConflicts: 1,
    });
    // The run's totals moved like any job's: running → partial, and the run completed.
    expect(updates[1]).toMatchObject({ running: 0, partial: 1, status: 'completed' });
    expect(
      await value('sync_jobs_completed_total', {
        portal: 'books',
        category: 'books.transactions',
        outcome: 'partial',
      }),
    ).toBe(1);
  });

  it('sends a retryable books failure back to pending with the back-off', async () => {
    const envelope = createEnvelope(
      BooksJobCompletedEvent,
      {
        jobId: JOB_ID,
        runId: RUN_ID,
        linkId: '01936f6e-0000-7000-8000-0000000000bb',
        category: 'books.masters',
        attempt: 1,
        outcome: 'failed',
        errorCode: 'portal_unavailable',
        errorMessage: 'the books server of company … did not answer',
        retryable: true,
        counts: { created: 0, altered: 0, deleted: 0, unchanged: 0, held: 0, conflicts: 0, errors: 0 },
        failedObjects: [],
        startedAt: '2026-11-22T10:00:02.000Z',
        finishedAt: '2026-11-22T10:00:05.000Z',
      },
      { firmId: FIRM, correlationId: RUN_ID },
    );
    updates.length = 0;
    await handle(envelope, 'commit');
    expect(updates[0]).toMatchObject({ status: 'pending', errorCode: 'portal_unavailable', retryable: true });
    expect((updates[0].nextAttemptAt as Date).getTime()).toBeGreaterThan(NOW.getTime());
    expect(await value('sync_jobs_retried_total', { portal: 'books', reason: 'portal_unavailable' })).toBe(1);
  });
});

describe('ResultsService progress log', () => {
  const lines: { message: unknown; fields: unknown; context: unknown }[] = [];
  const capture = (fields: unknown, message?: unknown, context?: unknown) =>
    void lines.push({ fields, message, context });

  beforeAll(() =>
    Logger.overrideLogger({
      log: capture,
      error: () => {},
      warn: () => {},
      debug: () => {},
      verbose: () => {},
    }),
  );
  afterAll(() => Logger.overrideLogger(false));

  it("writes the run's progress lines once its result commits, none for a rolled-back try", async () => {
    const service = new ResultsService(
      new OrchestratorMetrics(new Registry()),
      { nudge: () => {}, holdPortal: () => {} } as unknown as DispatchWorker,
      loadOrchestratorConfig({ JOB_MAX_ATTEMPTS: '3' }),
      { now: () => NOW },
    );
    const envelope = completed();
    const tryOnce = async (commit: boolean) => {
      const hooks: (() => void)[] = [];
      await service.apply(envelope, { manager, afterCommit: (fn) => void hooks.push(fn) });
      if (commit) for (const hook of hooks) hook();
    };
    await tryOnce(false);
    expect(lines.filter((l) => l.context === 'RunProgress')).toEqual([]);
    await tryOnce(true);
    // The run's only job: its first finished job and its end.
    expect(lines.filter((l) => l.context === 'RunProgress')).toEqual([
      {
        context: 'RunProgress',
        message: 'run progress: first job finished',
        fields: expect.objectContaining({ runId: RUN_ID, firmId: FIRM, done: 1, total: 1 }),
      },
      {
        context: 'RunProgress',
        message: 'run progress: all work finished',
        fields: expect.objectContaining({ runId: RUN_ID, percent: 100, succeeded: 1 }),
      },
    ]);
  });
});
