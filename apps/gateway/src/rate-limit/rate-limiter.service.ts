import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { ProblemException, ProblemType } from '@practice-sync/problems';
import type { Response } from 'express';
import { DataSource } from 'typeorm';

import type { Principal } from '../auth/principal';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../config/gateway.config';
import type { LimitState } from './quota-limiter';
import { MemoryQuotaStore, PostgresQuotaStore, QuotaLimiter } from './quota-limiter';

/**
 * A fixed window of RATE_LIMIT_POINTS requests per RATE_LIMIT_WINDOW_SECONDS for each API key (or signed-in
 * user). The Postgres store shares the budget between gateway replicas, reserved in blocks of RATE_LIMIT_BLOCK
 * so a request costs no database write (QuotaLimiter states the bounds); if the database fails, a per-process
 * memory budget stands in (so an outage neither blocks every caller nor lifts the limit).
 */
@Injectable()
export class RateLimiterService {
  private readonly logger = new Logger(RateLimiterService.name);
  private readonly limiter: QuotaLimiter;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, dataSource: DataSource) {
    const memory = new MemoryQuotaStore();
    this.limiter = new QuotaLimiter({
      limit: config.RATE_LIMIT_POINTS,
      windowMs: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
      block: config.RATE_LIMIT_BLOCK ?? 50,
      store: config.RATE_LIMIT_STORE === 'memory' ? memory : new PostgresQuotaStore(dataSource),
      fallback: memory,
      onStoreError: (error) =>
        this.logger.warn(`rate limit store unreachable, limiting per process: ${String(error)}`),
    });
  }

  /** Spends one request of the caller's budget; sets `RateLimit-*` headers, or throws 429 with `Retry-After`. */
  async consume(principal: Principal, res: Response): Promise<void> {
    // `gw:` as rate-limiter-flexible prefixed them, so rows written before the block limiter still count.
    const key = `gw:${principal.kind === 'firm' ? principal.keyId : 'platform'}`;
    const state = await this.limiter.consume(key);
    setHeaders(res, state);
    if (state.allowed) return;
    const seconds = Math.max(1, Math.ceil(state.msBeforeReset / 1000));
    res.setHeader('Retry-After', String(seconds));
    throw new ProblemException(
      ProblemType.RateLimited,
      HttpStatus.TOO_MANY_REQUESTS,
      'Too many requests',
      `This API key made more than ${this.limiter.limit} requests in ${this.limiter.windowSeconds} s; retry in ${seconds} s.`,
    );
  }
}

function setHeaders(res: Response, state: LimitState): void {
  res.setHeader('RateLimit-Limit', String(state.limit));
  res.setHeader('RateLimit-Remaining', String(state.remaining));
  res.setHeader('RateLimit-Reset', String(Math.ceil(state.msBeforeReset / 1000)));
}
