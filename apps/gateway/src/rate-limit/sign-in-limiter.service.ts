import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DomainException } from '@practice-sync/problems';
import type { Response } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';

import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../config/gateway.config';

/**
 * Sign-in attempts per client IP: SIGN_IN_IP_MAX_ATTEMPTS per SIGN_IN_IP_WINDOW_SECONDS (fixed window), in the
 * same store as the API keys' limiter (`gateway.rate_limits`, keys `signin-ip:<ip>`), so every replica counts
 * into one budget. An attempt takes a point before the password is checked (parallel guesses each count); a
 * successful sign-in gives it back, so an office behind one address is not refused for signing in, only for
 * guessing. The lock-out per user (SIGN_IN_MAX_FAILURES) stops guessing one email from many addresses.
 */
@Injectable()
export class SignInLimiter {
  private readonly limiter: RateLimiterAbstract;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, dataSource: DataSource) {
    const base = {
      points: config.SIGN_IN_IP_MAX_ATTEMPTS,
      duration: config.SIGN_IN_IP_WINDOW_SECONDS,
      keyPrefix: 'signin-ip',
    };
    this.limiter =
      config.RATE_LIMIT_STORE === 'memory'
        ? new RateLimiterMemory(base)
        : new RateLimiterPostgres({
            ...base,
            storeClient: dataSource,
            storeType: 'typeorm',
            tableName: 'rate_limits',
            tableCreated: true,
            // If PostgreSQL fails, each replica still limits on its own rather than letting every guess through.
            insuranceLimiter: new RateLimiterMemory(base),
          });
  }

  /** Takes one attempt of `ip`'s budget, or throws 429 `sign-in-throttled` with Retry-After. */
  async attempt(ip: string, res: Response): Promise<void> {
    try {
      await this.limiter.consume(ip);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      res.setHeader('Retry-After', String(seconds));
      throw throttled(seconds, this.limiter.points, this.limiter.duration);
    }
  }

  /** A successful sign-in gives its attempt back. */
  async succeeded(ip: string): Promise<void> {
    await this.limiter.reward(ip, 1).catch(() => undefined);
  }
}

export function throttled(seconds: number, points: number, windowSeconds: number): DomainException<string> {
  const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return new DomainException<string>({
    code: 'sign-in-throttled',
    status: HttpStatus.TOO_MANY_REQUESTS,
    title: 'Too many sign-in attempts',
    detail:
      `Too many failed sign-ins came from your network (more than ${points} in ${windowSeconds} seconds). ` +
      `Try again in ${wait}.`,
    headers: { 'Retry-After': String(seconds) },
  });
}
