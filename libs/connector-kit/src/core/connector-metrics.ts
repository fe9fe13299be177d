import type { Category, JobOutcome, Portal } from '@practice-sync/contracts';
import { counter, gauge, histogram } from '@practice-sync/observability';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type BreakerState = 'closed' | 'half_open' | 'open';

const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** The connector's Prometheus series (labels are bounded: portal, category, outcome, status). */
export class ConnectorMetrics {
  private readonly jobs: Counter<'portal' | 'category' | 'outcome'>;
  private readonly requests: Counter<'portal' | 'category' | 'status'>;
  private readonly requestSeconds: Histogram<'portal' | 'category'>;
  private readonly breaker: Gauge<'portal'>;

  constructor(
    registry: Registry,
    private readonly portal: Portal,
  ) {
    this.jobs = counter(registry, 'connector_jobs_total', 'Jobs finished, by outcome', [
      'portal',
      'category',
      'outcome',
    ]);
    this.requests = counter(
      registry,
      'connector_portal_requests_total',
      'Portal HTTP calls, by HTTP status or timeout / network_error / breaker_open',
      ['portal', 'category', 'status'],
    );
    this.requestSeconds = histogram(
      registry,
      'connector_portal_request_seconds',
      'Portal HTTP call duration',
      ['portal', 'category'],
    );
    this.breaker = gauge(
      registry,
      'connector_breaker_state',
      'Circuit breaker around the portal: 0 closed, 1 half-open, 2 open',
      ['portal'],
    );
    this.breaker.set({ portal }, 0);
  }

  jobFinished(category: Category, outcome: JobOutcome): void {
    this.jobs.inc({ portal: this.portal, category, outcome });
  }

  portalRequest(category: Category, status: string, seconds?: number): void {
    this.requests.inc({ portal: this.portal, category, status });
    if (seconds !== undefined) this.requestSeconds.observe({ portal: this.portal, category }, seconds);
  }

  breakerState(state: BreakerState): void {
    this.breaker.set({ portal: this.portal }, BREAKER_STATE_VALUE[state]);
  }
}
