import { ratioCeiling } from './ceiling';

// Figures shaped like a 100-client run on 2 cores: the raw chain records 1,000 results in 5 s (200 jobs/s)
// and applies its last record at 10 s, busy 18 CPU s in all and 9 s by its completion; the sandbox 11.5 s.
const run = {
  cores: 2,
  jobs: 1000,
  rawJobsPerSecond: 200,
  rawAllWorkSeconds: 10,
  rawBusySeconds: 18,
  rawBusyAtCompletionSeconds: 9,
  sandboxSeconds: 12,
  pipelineBusySeconds: 120,
};

describe('ratioCeiling', () => {
  it('is the throughput of a pipeline costing only raw + sandbox CPU on every core, over raw throughput', () => {
    // 2 cores × 1,000 jobs ÷ (18 + 12) s = 66.7 jobs/s, against raw's 200 jobs/s.
    expect(ratioCeiling(run).ratio).toBeCloseTo(66.67 / 200, 3);
  });

  it('counts only the CPU raw spent by its own clock when the records are left for after the run', () => {
    // 2 × 1,000 ÷ (9 + 12) = 95.2 jobs/s.
    expect(ratioCeiling(run).ratioRecordsDeferred).toBeCloseTo(95.24 / 200, 3);
  });

  it('compares with the raw chain on all its work, its clock stopped at its last record', () => {
    // 66.7 jobs/s against 1,000 jobs ÷ 10 s.
    expect(ratioCeiling(run).ratioAllWork).toBeCloseTo(66.67 / 100, 3);
  });

  it("gives the pipeline's CPU beyond raw and sandbox per 1,000 jobs", () => {
    expect(ratioCeiling({ ...run, jobs: 2000 }).servicesOverheadPer1000).toBeCloseTo((120 - 18 - 12) / 2, 6);
  });

  it('grows with cores and falls as the sandbox costs more', () => {
    const base = ratioCeiling(run).ratio;
    expect(ratioCeiling({ ...run, cores: 4 }).ratio).toBeCloseTo(2 * base, 6);
    expect(ratioCeiling({ ...run, sandboxSeconds: 30 }).ratio).toBeLessThan(base);
  });
});
