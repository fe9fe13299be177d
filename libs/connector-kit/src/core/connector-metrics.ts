import type { JobOutcome } from '@practice-sync/contracts';
import { counter, gauge, histogram, onScrape } from '@practice-sync/observability';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { ConnectorFamily, JobCategory } from './connector-family';

export type BreakerState = 'closed' | 'half_open' | 'open';

const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** The connector's Prometheus series (labels are bounded: portal, category, outcome, status). */
export class ConnectorMetrics {
  private readonly jobs: Counter<'portal' | 'category' | 'outcome'>;
  private readonly requests: Counter<'portal' | 'category' | 'status'>;
  private readonly requestSeconds: Histogram<'portal' | 'category'>;
  private readonly breaker: Gauge<'portal'>;
  private readonly breakers: Gauge<'portal' | 'state'>;
  private readonly errors: Counter<'portal' | 'category' | 'code'>;
  private readonly limiterWait: Histogram<'portal'>;
  private readonly retries: Counter<'portal' | 'category' | 'code'>;
  private readonly rateLimitWait: Histogram<'portal'>;
  private readonly rateLimitedJobs: Counter<'portal' | 'category'>;
  private readonly sessions: Counter<'portal' | 'event'>;
  private readonly records: Counter<'portal' | 'category' | 'change'>;

  constructor(
    private readonly registry: Registry,
    private readonly portal: ConnectorFamily,
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
    // Per upstream (connector-books: one breaker per books server) the labels would be unbounded, so only
    // how many breakers are in each state is exported; which server is in the logs (by a hash of its origin).
    this.breakers = gauge(
      registry,
      'connector_breakers',
      'Circuit breakers kept, by state (one for a portal; one per books server origin for connector-books)',
      ['portal', 'state'],
    );
    for (const state of Object.keys(BREAKER_STATE_VALUE)) this.breakers.set({ portal, state }, 0);
    this.errors = counter(
      registry,
      'connector_portal_errors_total',
      'Failed portal calls, by failure code of the taxonomy',
      ['portal', 'category', 'code'],
    );
    this.limiterWait = histogram(
      registry,
      'connector_limiter_wait_seconds',
      'Time a portal call waited for the rate limiter / concurrency cap',
      ['portal'],
    );
    this.retries = counter(
      registry,
      'connector_portal_retries_total',
      'Portal calls retried after a transient failure, by the failure code',
      ['portal', 'category', 'code'],
    );
    this.rateLimitWait = histogram(
      registry,
      'connector_rate_limit_wait_seconds',
      "Waits for a portal's Retry-After honoured in process (up to the retry bound)",
      ['portal'],
    );
    this.rateLimitedJobs = counter(
      registry,
      'connector_rate_limited_jobs_total',
      'Job attempts reported rate_limited with the time the portal allows the next call (re-queued for then)',
      ['portal', 'category'],
    );
    this.sessions = counter(
      registry,
      'connector_session_events_total',
      'Portal session lifecycle: opened, refreshed, relogin, lapsed, missing, closed (logout), locked',
      ['portal', 'event'],
    );
    this.records = counter(
      registry,
      'connector_records_published_total',
      'Record changes published on client.records.v1',
      ['portal', 'category', 'change'],
    );
  }

  portalError(category: JobCategory | 'session', code: string): void {
    this.errors.inc({ portal: this.portal, category, code });
  }

  limiterWaited(seconds: number): void {
    this.limiterWait.observe({ portal: this.portal }, seconds);
  }

  retried(category: JobCategory | 'session', code: string): void {
    this.retries.inc({ portal: this.portal, category, code });
  }

  rateLimitWaited(seconds: number): void {
    this.rateLimitWait.observe({ portal: this.portal }, seconds);
  }

  rateLimitedJob(category: JobCategory): void {
    this.rateLimitedJobs.inc({ portal: this.portal, category });
  }

  session(event: 'opened' | 'refreshed' | 'relogin' | 'lapsed' | 'missing' | 'closed' | 'locked'): void {
    this.sessions.inc({ portal: this.portal, event });
  }

  recordsPublished(category: JobCategory, change: 'added' | 'updated' | 'removed', n: number): void {
    if (n > 0) this.records.inc({ portal: this.portal, category, change }, n);
  }

  jobFinished(category: JobCategory, outcome: JobOutcome): void {
    this.jobs.inc({ portal: this.portal, category, outcome });
  }

  portalRequest(category: JobCategory | 'session', status: string, seconds?: number): void {
    this.requests.inc({ portal: this.portal, category, status });
    if (seconds !== undefined) this.requestSeconds.observe({ portal: this.portal, category }, seconds);
  }

  /**
   * `connector_portal_access{status}`: identifiers by access status, read on scrape (one grouped count):
   * `otp_required` are sessions waiting for a person's OTP, `expiring` access about to lapse.
   */
  watchAccess(count: () => Promise<Record<string, number>>): void {
    const access = gauge(
      this.registry,
      'connector_portal_access',
      'Identifiers with stored portal access, by status (ok, otp_required: needs an OTP from a person, expiring, failed)',
      ['portal', 'status'],
    );
    onScrape(access, async () => {
      try {
        const counts = await count();
        access.reset();
        for (const [status, n] of Object.entries(counts)) access.set({ portal: this.portal, status }, n);
      } catch {
        access.reset(); // database unreachable: readiness says so; no stale figures
      }
    });
  }

  /**
   * `connector_jobs_waiting_on_outage`: jobs queued and not tried because the portal's breaker is open (they
   * wait for it, PORTAL_OUTAGE_WAIT_MS at most), read on scrape; 0 while the breaker is closed.
   */
  watchOutage(waiting: () => Promise<number>): void {
    const jobs = gauge(
      this.registry,
      'connector_jobs_waiting_on_outage',
      'Jobs waiting for the portal while its circuit breaker is open (not tried, no attempt spent)',
      ['portal'],
    );
    jobs.set({ portal: this.portal }, 0);
    onScrape(jobs, async () => {
      try {
        jobs.set({ portal: this.portal }, await waiting());
      } catch {
        jobs.reset(); // database unreachable: readiness says so; no stale figures
      }
    });
  }

  /**
   * `connector_breaker_state` is the worst state over the connector's breakers (its only one for a portal
   * connector, as before), `connector_breakers{state}` how many there are in each state.
   */
  breakerState(change: { worst: BreakerState; counts: Record<BreakerState, number> }): void {
    this.breaker.set({ portal: this.portal }, BREAKER_STATE_VALUE[change.worst]);
    this.setBreakerCounts(change.counts);
  }

  /** Reads the breakers' counts at each scrape too (breakers are created and evicted without a transition). */
  watchBreakers(counts: () => Record<BreakerState, number>): void {
    onScrape(this.breakers, () => this.setBreakerCounts(counts()));
  }

  private setBreakerCounts(counts: Record<BreakerState, number>): void {
    for (const [state, n] of Object.entries(counts)) this.breakers.set({ portal: this.portal, state }, n);
  }
}
