import { Inject, Injectable } from '@nestjs/common';
import type { JobOutcome, RunStatus } from '@practice-sync/contracts';
import { counter, histogram, METRICS_REGISTRY } from '@practice-sync/observability';
import type { Counter, Histogram, Registry } from 'prom-client';

import type { JobPortal as Portal } from '../runs/job-kind';

/** The orchestrator's Prometheus series (registered once on the service registry). */
@Injectable()
export class OrchestratorMetrics {
  private readonly jobsCompleted: Counter<'portal' | 'category' | 'outcome'>;
  private readonly jobsDispatched: Counter<'portal'>;
  private readonly runs: Counter<'status'>;
  private readonly retries: Counter<'portal' | 'reason'>;
  private readonly dispatchSeconds: Histogram<string>;
  private readonly deferred: Counter<'portal'>;
  private readonly deferredWait: Histogram<'portal'>;
  private readonly jobSeconds: Histogram<'portal' | 'outcome'>;
  private readonly failures: Counter<'portal' | 'code'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.jobsCompleted = counter(
      registry,
      'sync_jobs_completed_total',
      'Jobs that reached a terminal outcome (results recorded, and jobs skipped at fan-out)',
      ['portal', 'category', 'outcome'],
    );
    this.jobsDispatched = counter(
      registry,
      'sync_jobs_dispatched_total',
      'Job requests written to the outbox for a connector',
      ['portal'],
    );
    this.runs = counter(registry, 'sync_runs_total', 'Sync runs entering a status', ['status']);
    this.retries = counter(
      registry,
      'sync_jobs_retried_total',
      'Jobs sent back to pending for another attempt (retryable failure or lost result)',
      ['portal', 'reason'],
    );
    this.deferred = counter(
      registry,
      'sync_jobs_rate_limit_requeued_total',
      'Jobs re-queued for when the portal allows (rate_limited with its Retry-After), no attempt spent',
      ['portal'],
    );
    this.deferredWait = histogram(
      registry,
      'sync_jobs_rate_limit_wait_seconds',
      'How long a re-queued throttled job waits before it is dispatched again',
      ['portal'],
      [1, 5, 15, 30, 60, 120, 300, 600, 900],
    );
    this.jobSeconds = histogram(
      registry,
      'sync_job_duration_seconds',
      'From a job planned at fan-out to its terminal result (what the firm waits for one job, queueing and retries included)',
      ['portal', 'outcome'],
      [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200],
    );
    this.failures = counter(
      registry,
      'sync_jobs_failed_total',
      'Jobs that ended failed or partial, by failure code of the taxonomy',
      ['portal', 'code'],
    );
    this.dispatchSeconds = histogram(
      registry,
      'sync_dispatch_pass_seconds',
      'Time of one dispatch step (in-flight count, candidates, runs locked, jobs marked and requested), run on every nudge; it should not grow with the size of the runs',
      [],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    );
  }

  /** Starts timing a dispatch step; call the result when it ends. */
  dispatchTimer(): () => void {
    return this.dispatchSeconds.startTimer();
  }

  jobDeferred(portal: Portal, waitSeconds: number): void {
    this.deferred.inc({ portal });
    this.deferredWait.observe({ portal }, waitSeconds);
  }

  jobRetried(portal: Portal, reason: string, count = 1): void {
    if (count > 0) this.retries.inc({ portal, reason }, count);
  }

  jobCompleted(portal: Portal, category: string, outcome: JobOutcome, count = 1): void {
    if (count > 0) this.jobsCompleted.inc({ portal, category, outcome }, count);
  }

  /** A job's terminal result: how long it took since it was planned, and its failure code if any. */
  jobFinished(portal: Portal, outcome: JobOutcome, seconds: number, errorCode: string | null): void {
    this.jobSeconds.observe({ portal, outcome }, Math.max(0, seconds));
    if (errorCode !== null && (outcome === 'failed' || outcome === 'partial'))
      this.failures.inc({ portal, code: errorCode });
  }

  jobsDispatchedTo(portal: Portal, count: number): void {
    if (count > 0) this.jobsDispatched.inc({ portal }, count);
  }

  runEntered(status: RunStatus): void {
    this.runs.inc({ status });
  }
}
