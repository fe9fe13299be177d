/**
 * The ratio a pipeline with no cost of its own could reach on this machine: one that spent exactly the raw
 * chain's CPU on the same messages and rows, plus what the simulated portal (the sandbox, on the same cores)
 * spends answering it, with every core busy the whole run. Both figures are measured in the same run, so the
 * target can be read against what the machine allows.
 */
export interface CeilingInput {
  /** Cores of the machine (the pipeline is CPU-bound on all of them). */
  cores: number;
  jobs: number;
  /** The raw chain's throughput as the headline counts it (its clock stops at its last recorded result). */
  rawJobsPerSecond: number;
  /** The raw chain's clock when client-master had applied every record too. */
  rawAllWorkSeconds: number;
  /** Whole-machine busy CPU seconds of the raw chain until its last record was applied. */
  rawBusySeconds: number;
  /** The same until its last result was recorded (the headline's clock). */
  rawBusyAtCompletionSeconds: number;
  /** CPU seconds the sandbox spent during the pipeline run. */
  sandboxSeconds: number;
  /** Whole-machine busy CPU seconds of the pipeline run. */
  pipelineBusySeconds: number;
}

export interface Ceiling {
  /**
   * Headline ratio of a pipeline that costs the raw chain's CPU (records included) plus the sandbox's, and
   * nothing else, and applies its records within the run, as the pipeline does.
   */
  ratio: number;
  /** The same for a pipeline that left its records to be applied after the run, as the raw chain's clock does. */
  ratioRecordsDeferred: number;
  /** The same against "ratio, all work" (both clocks stop when every record is applied). */
  ratioAllWork: number;
  /** Whole-machine CPU seconds per 1,000 jobs the pipeline spent beyond the raw chain's and the sandbox's. */
  servicesOverheadPer1000: number;
}

export function ratioCeiling(m: CeilingInput): Ceiling {
  const floorJobsPerSecond = (busySeconds: number) => (m.cores * m.jobs) / (busySeconds + m.sandboxSeconds);
  const best = floorJobsPerSecond(m.rawBusySeconds);
  return {
    ratio: best / m.rawJobsPerSecond,
    ratioRecordsDeferred: floorJobsPerSecond(m.rawBusyAtCompletionSeconds) / m.rawJobsPerSecond,
    ratioAllWork: best / (m.jobs / m.rawAllWorkSeconds),
    servicesOverheadPer1000: ((m.pipelineBusySeconds - m.rawBusySeconds - m.sandboxSeconds) * 1000) / m.jobs,
  };
}
