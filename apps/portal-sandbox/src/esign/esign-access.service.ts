import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DomainException } from '@practice-sync/problems';

import { firstString } from '../common/portal';
import { SandboxProblemCode } from '../common/sandbox.exception';
import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';

function unauthorized(detail: string): DomainException<SandboxProblemCode> {
  return new DomainException({
    code: SandboxProblemCode.Unauthorized,
    status: HttpStatus.UNAUTHORIZED,
    title: 'Unauthorized',
    detail,
  });
}

/** Keys the sandbox refuses, to simulate a revoked or mistyped account key. */
const REFUSED_KEY = /^(invalid|revoked)/i;

/**
 * The e-sign account key (`X-Api-Key`) and the per-request polling throttle: polling the same signing
 * request again within SANDBOX_ESIGN_POLL_INTERVAL_MS answers 429 with Retry-After.
 */
@Injectable()
export class EsignAccessService {
  private readonly lastPoll = new Map<string, number>();

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {}

  check(headers: Record<string, unknown>): void {
    if (!this.config.SANDBOX_REQUIRE_SESSIONS) return;
    const key = firstString(headers['x-api-key']);
    if (!key) throw unauthorized('X-Api-Key header is required');
    if (REFUSED_KEY.test(key)) throw unauthorized('The account key is not valid');
  }

  throttlePoll(requestId: string, nowMs = Date.now()): void {
    const interval = this.config.SANDBOX_ESIGN_POLL_INTERVAL_MS;
    const last = this.lastPoll.get(requestId);
    if (last !== undefined && nowMs - last < interval) {
      const wait = Math.max(1, Math.ceil((last + interval - nowMs) / 1000));
      throw new DomainException({
        code: SandboxProblemCode.TooManyRequests,
        status: HttpStatus.TOO_MANY_REQUESTS,
        title: 'Too Many Requests',
        detail: `Polling this signing request too often; retry after ${wait} s`,
        headers: { 'Retry-After': String(wait) },
      });
    }
    this.lastPoll.set(requestId, nowMs);
  }

  reset(): void {
    this.lastPoll.clear();
  }
}
