import { Inject, Injectable } from '@nestjs/common';
import { counter, METRICS_REGISTRY } from '@practice-sync/observability';
import type { Counter, Registry } from 'prom-client';

import type { Portal } from '../common/portal';

export type RequestOutcome =
  | 'ok'
  | 'client_error'
  | 'server_error'
  | 'injected_error'
  | 'rate_limited'
  | 'outage';

/** `sandbox_requests_total{portal,outcome}`: every portal request and how it ended. */
@Injectable()
export class SandboxMetrics {
  private readonly requests: Counter<'portal' | 'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.requests = counter(registry, 'sandbox_requests_total', 'Portal requests served by the sandbox', [
      'portal',
      'outcome',
    ]);
  }

  count(portal: Portal, outcome: RequestOutcome): void {
    this.requests.inc({ portal, outcome });
  }
}
