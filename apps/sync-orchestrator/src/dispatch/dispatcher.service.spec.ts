import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

import { loadOrchestratorConfig } from '../config/orchestrator.config';
import { OrchestratorMetrics } from '../metrics/orchestrator.metrics';
import { DispatcherService } from './dispatcher.service';
import type { HousekeepingWork } from './housekeeping-probe';
import { HousekeepingProbe } from './housekeeping-probe';
import { LostJobsStep } from './lost-jobs.step';
import { PendingJobsStep } from './pending-jobs.step';
import { ProgressFlushStep } from './progress-flush.step';
import { WaitersStep } from './waiters.step';

/** The pass's steps replaced by counters: which of them each pass runs; the probe finds work for each. */
function dispatcherWithCountedSteps(
  work: HousekeepingWork = { lost: ['run-1'], waiting: ['run-2'], dueProgress: ['run-3'], open: true },
) {
  const config = loadOrchestratorConfig({ DISPATCH_POLL_MS: '250' });
  const registry = new Registry();
  const ds = {} as DataSource;
  const clock = { now: () => new Date() };
  const metrics = new OrchestratorMetrics(registry);
  const lostJobs = new LostJobsStep(ds, config, clock, metrics);
  const waiters = new WaitersStep(ds, config, clock, metrics);
  const pendingJobs = new PendingJobsStep(ds, config, clock, metrics);
  const progress = new ProgressFlushStep(ds, config, clock);
  const probe = new HousekeepingProbe(ds, config);
  const service = new DispatcherService(config, metrics, lostJobs, waiters, pendingJobs, progress, probe);
  const steps = {
    probe: jest.spyOn(probe, 'probe').mockImplementation(() => Promise.resolve(work)),
    expire: jest.spyOn(lostJobs, 'run').mockResolvedValue(0),
    waiters: jest.spyOn(waiters, 'run').mockResolvedValue(0),
    dispatch: jest.spyOn(pendingJobs, 'run').mockResolvedValue({ dispatched: 1, more: true }),
    flush: jest.spyOn(progress, 'run').mockResolvedValue(0),
  };
  return { service, steps, registry };
}

/** A probe that found no housekeeping to do and no open job, but for `found`. */
function nothingFound(found: Partial<HousekeepingWork> = {}): HousekeepingWork {
  return { lost: [], waiting: [], dueProgress: [], open: false, ...found };
}

/** Observations of `sync_dispatch_pass_seconds`. */
async function dispatchTimings(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('sync_dispatch_pass_seconds')?.get();
  const values = (metric?.values ?? []) as { metricName?: string; value: number }[];
  return values.find((v) => v.metricName === 'sync_dispatch_pass_seconds_count')?.value ?? 0;
}

describe('DispatcherService.pass', () => {
  let now = 1_000_000;
  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('dispatches on every pass but keeps house at most once per DISPATCH_POLL_MS', async () => {
    const { service, steps } = dispatcherWithCountedSteps();
    for (let i = 0; i < 5; i++) {
      expect(await service.pass()).toBe(true);
      now += 40; // five nudged passes within 200 ms
    }
    expect(steps.dispatch).toHaveBeenCalledTimes(5);
    expect(steps.expire).toHaveBeenCalledTimes(1);
    expect(steps.waiters).toHaveBeenCalledTimes(1);
    expect(steps.flush).toHaveBeenCalledTimes(1);

    now += 50; // 250 ms after the first pass: housekeeping is due again
    await service.pass();
    expect(steps.expire).toHaveBeenCalledTimes(2);
    expect(steps.waiters).toHaveBeenCalledTimes(2);
    expect(steps.flush).toHaveBeenCalledTimes(2);
    expect(steps.dispatch).toHaveBeenCalledTimes(6);
  });

  it('times every dispatch step, the ones that fail too', async () => {
    const { service, steps, registry } = dispatcherWithCountedSteps();
    await service.pass();
    await service.pass();
    steps.dispatch.mockRejectedValueOnce(new Error('connection lost'));
    await expect(service.pass()).rejects.toThrow('connection lost');
    expect(await dispatchTimings(registry)).toBe(3);
  });

  it('reports work done by housekeeping alone, so the worker goes again at once', async () => {
    const { service, steps } = dispatcherWithCountedSteps();
    steps.dispatch.mockResolvedValue({ dispatched: 0, more: false });
    steps.waiters.mockResolvedValue(3);
    expect(await service.pass()).toBe(true);
    now += 10;
    expect(await service.pass()).toBe(false); // housekeeping not due, nothing dispatched
  });

  it('goes again at once only when dispatch left dispatchable jobs, not after it filled the free slots', async () => {
    const { service, steps } = dispatcherWithCountedSteps();
    steps.dispatch.mockResolvedValue({ dispatched: 3, more: false });
    expect(await service.pass()).toBe(false); // the slots are full: wait for a result's nudge
    now += 10;
    steps.dispatch.mockResolvedValue({ dispatched: 1, more: true });
    expect(await service.pass()).toBe(true);
  });

  it('asks once per housekeeping what each step has to do, and runs a step only on the runs it was given', async () => {
    const { service, steps } = dispatcherWithCountedSteps();
    await service.pass();
    now += 10;
    await service.pass(); // housekeeping not due: no probe
    expect(steps.probe).toHaveBeenCalledTimes(1);
    expect(steps.expire).toHaveBeenCalledWith(['run-1']);
    expect(steps.waiters).toHaveBeenCalledWith(['run-2']);
    expect(steps.flush).toHaveBeenCalledWith(['run-3']);
  });

  it('sends nothing for the housekeeping steps when the probe finds nothing to do', async () => {
    const { service, steps } = dispatcherWithCountedSteps(nothingFound({ open: true }));
    await service.pass();
    expect(steps.probe).toHaveBeenCalledTimes(1);
    expect(steps.expire).not.toHaveBeenCalled();
    expect(steps.waiters).not.toHaveBeenCalled();
    expect(steps.flush).not.toHaveBeenCalled();
    expect(steps.dispatch).toHaveBeenCalledTimes(1);
  });

  it('is idle, and sends nothing after the probe, when no job is open and nothing is held back', async () => {
    const { service, steps } = dispatcherWithCountedSteps(nothingFound());
    expect(await service.pass()).toBe('idle');
    expect(steps.probe).toHaveBeenCalledTimes(1);
    expect(steps.dispatch).not.toHaveBeenCalled();
    // A nudge within DISPATCH_POLL_MS (a run fanned out since the probe) dispatches without asking again.
    now += 10;
    expect(await service.pass()).toBe(true);
    expect(steps.probe).toHaveBeenCalledTimes(1);
    expect(steps.dispatch).toHaveBeenCalledTimes(1);
  });

  it.each<[string, Partial<HousekeepingWork>]>([
    ['a job is open', { open: true }],
    ['progress is held back', { dueProgress: ['run-3'] }],
  ])('is not idle when %s', async (_what, found) => {
    const { service, steps } = dispatcherWithCountedSteps(nothingFound(found));
    expect(await service.pass()).toBe(true);
    expect(steps.dispatch).toHaveBeenCalledTimes(1);
  });
});
