import { Global, Module } from '@nestjs/common';

import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../config/gateway.config';
import { InternalHttpClient } from './internal-http-client';

export const CLIENT_MASTER = Symbol('CLIENT_MASTER');
export const SYNC_ORCHESTRATOR = Symbol('SYNC_ORCHESTRATOR');

/** One InternalHttpClient per internal service the gateway forwards to. */
@Global()
@Module({
  providers: [
    {
      provide: CLIENT_MASTER,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) =>
        new InternalHttpClient({
          name: 'client-master',
          baseUrl: c.CLIENT_MASTER_URL,
          timeoutMs: c.UPSTREAM_TIMEOUT_MS,
        }),
    },
    {
      provide: SYNC_ORCHESTRATOR,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) =>
        new InternalHttpClient({
          name: 'sync-orchestrator',
          baseUrl: c.SYNC_ORCHESTRATOR_URL,
          timeoutMs: c.UPSTREAM_TIMEOUT_MS,
        }),
    },
  ],
  exports: [CLIENT_MASTER, SYNC_ORCHESTRATOR],
})
export class UpstreamModule {}
