import { Inject, Injectable } from '@nestjs/common';
import { counter, METRICS_REGISTRY } from '@practice-sync/observability';
import type { Counter, Registry } from 'prom-client';

/** `sandbox_books_requests_total{outcome}`: XML requests to the books servers and how they ended. */
@Injectable()
export class BooksMetrics {
  private readonly requests: Counter<'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.requests = counter(
      registry,
      'sandbox_books_requests_total',
      'XML requests served by the sandbox books servers',
      ['outcome'],
    );
  }

  count(outcome: 'ok' | 'offline'): void {
    this.requests.inc({ outcome });
  }
}
