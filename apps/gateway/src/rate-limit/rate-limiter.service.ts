import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ProblemException, ProblemType } from '@practice-sync/problems';
import type { Response } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';

import type { Principal } from '../auth/principal';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../config/gateway.config';

/**
 * A fixed window of RATE_LIMIT_POINTS requests per RATE_LIMIT_WINDOW_SECONDS for each API key. The Postgres
 * store shares the budget between gateway replicas; if the database fails, a per-process memory limiter stands
 * in (so an outage neither blocks every caller nor lifts the limit).
 */
@Injectable()
export class RateLimiterService {
  private readonly limiter: RateLimiterAbstract;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, dataSource: DataSource) {
    const base = {
      points: config.RATE_LIMIT_POINTS,
      duration: config.RATE_LIMIT_WINDOW_SECONDS,
      keyPrefix: 'gw',
    };
    this.limiter =
      config.RATE_LIMIT_STORE === 'memory'
        ? new RateLimiterMemory(base)
        : new RateLimiterPostgres({
            ...base,
            storeClient: dataSource,
            storeType: 'typeorm',
            tableName: 'rate_limits',
            // Created by the gateway's migration; unqualified, so it resolves through the search_path.
            tableCreated: true,
            // Once over budget, refuse from memory for the rest of the window instead of asking Postgres.
            inMemoryBlockOnConsumed: config.RATE_LIMIT_POINTS + 1,
            insuranceLimiter: new RateLimiterMemory(base),
          });
  }

  /** Spends one request of the caller's budget; sets `RateLimit-*` headers, or throws 429 with `Retry-After`. */
  async consume(principal: Principal, res: Response): Promise<void> {
    const key = principal.kind === 'firm' ? principal.keyId : 'platform';
    try {
      const state = await this.limiter.consume(key);
      setHeaders(res, this.limiter.points, state);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      setHeaders(res, this.limiter.points, e);
      const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      res.setHeader('Retry-After', String(seconds));
      throw new ProblemException(
        ProblemType.RateLimited,
        HttpStatus.TOO_MANY_REQUESTS,
        'Too many requests',
        `This API key made more than ${this.limiter.points} requests in ${this.limiter.duration} s; retry in ${seconds} s.`,
      );
    }
  }
}

function setHeaders(res: Response, limit: number, state: RateLimiterRes): void {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, state.remainingPoints)));
  res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(state.msBeforeNext / 1000))));
}
