import { Inject, Injectable } from '@nestjs/common';
import type { JobOutcome, Portal, RunStatus } from '@practice-sync/contracts';
import { counter, METRICS_REGISTRY } from '@practice-sync/observability';
import type { Counter, Registry } from 'prom-client';

/** The orchestrator's Prometheus series (registered once on the service registry). */
@Injectable()
export class OrchestratorMetrics {
  private readonly jobsCompleted: Counter<'portal' | 'category' | 'outcome'>;
  private readonly jobsDispatched: Counter<'portal'>;
  private readonly runs: Counter<'status'>;
  private readonly retries: Counter<'portal' | 'reason'>;

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
  }

  jobRetried(portal: Portal, reason: string, count = 1): void {
    if (count > 0) this.retries.inc({ portal, reason }, count);
  }

  jobCompleted(portal: Portal, category: string, outcome: JobOutcome, count = 1): void {
    if (count > 0) this.jobsCompleted.inc({ portal, category, outcome }, count);
  }

  jobsDispatchedTo(portal: Portal, count: number): void {
    if (count > 0) this.jobsDispatched.inc({ portal }, count);
  }

  runEntered(status: RunStatus): void {
    this.runs.inc({ status });
  }
}
