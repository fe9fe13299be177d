import { Global, Module } from '@nestjs/common';
import { METRICS_REGISTRY } from '@practice-sync/observability';
import type { ServiceTransport } from '@practice-sync/service-http';
import { ServiceHttpClient, undiciTransport } from '@practice-sync/service-http';
import type { Histogram, Registry } from 'prom-client';

import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../config/gateway.config';
import { stepHistogram } from '../http/step-metrics';

export const CLIENT_MASTER = Symbol('CLIENT_MASTER');
export const SYNC_ORCHESTRATOR = Symbol('SYNC_ORCHESTRATOR');
export const CONNECTOR_GST = Symbol('CONNECTOR_GST');
export const CONNECTOR_ITR = Symbol('CONNECTOR_ITR');
export const CONNECTOR_ESIGN = Symbol('CONNECTOR_ESIGN');
export const CONNECTOR_BOOKS = Symbol('CONNECTOR_BOOKS');

type UrlKey =
  | 'CLIENT_MASTER_URL'
  | 'SYNC_ORCHESTRATOR_URL'
  | 'CONNECTOR_GST_URL'
  | 'CONNECTOR_ITR_URL'
  | 'CONNECTOR_ESIGN_URL'
  | 'CONNECTOR_BOOKS_URL';

function clientProvider(token: symbol, name: string, urlKey: UrlKey) {
  return {
    provide: token,
    inject: [GATEWAY_CONFIG, METRICS_REGISTRY],
    useFactory: (c: GatewayConfig, registry: Registry) =>
      new ServiceHttpClient({
        name,
        baseUrl: c[urlKey],
        timeoutMs: c.UPSTREAM_TIMEOUT_MS,
        retries: c.UPSTREAM_RETRIES,
        transport: timedTransport(undiciTransport(), stepHistogram(registry)),
      }),
  };
}

/** Observes each internal call (one attempt, until its headers are in) as the `upstream` step. */
function timedTransport(transport: ServiceTransport, steps: Histogram<'step'>): ServiceTransport {
  return async (url, init) => {
    const started = process.hrtime.bigint();
    try {
      return await transport(url, init);
    } finally {
      steps.observe({ step: 'upstream' }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}

/** One ServiceHttpClient per internal service the gateway forwards to. */
@Global()
@Module({
  providers: [
    clientProvider(CLIENT_MASTER, 'client-master', 'CLIENT_MASTER_URL'),
    clientProvider(SYNC_ORCHESTRATOR, 'sync-orchestrator', 'SYNC_ORCHESTRATOR_URL'),
    clientProvider(CONNECTOR_GST, 'connector-gst', 'CONNECTOR_GST_URL'),
    clientProvider(CONNECTOR_ITR, 'connector-itr', 'CONNECTOR_ITR_URL'),
    clientProvider(CONNECTOR_ESIGN, 'connector-esign', 'CONNECTOR_ESIGN_URL'),
    clientProvider(CONNECTOR_BOOKS, 'connector-books', 'CONNECTOR_BOOKS_URL'),
  ],
  exports: [CLIENT_MASTER, SYNC_ORCHESTRATOR, CONNECTOR_GST, CONNECTOR_ITR, CONNECTOR_ESIGN, CONNECTOR_BOOKS],
})
export class UpstreamModule {}
