import { HttpStatus, Inject, Injectable } from '@nestjs/common';

import { firstString } from '../common/portal';
import { ProblemException } from '../common/problem';
import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';

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
    if (!key)
      throw new ProblemException(HttpStatus.UNAUTHORIZED, 'Unauthorized', 'X-Api-Key header is required');
    if (REFUSED_KEY.test(key)) {
      throw new ProblemException(HttpStatus.UNAUTHORIZED, 'Unauthorized', 'The account key is not valid');
    }
  }

  throttlePoll(requestId: string, nowMs = Date.now()): void {
    const interval = this.config.SANDBOX_ESIGN_POLL_INTERVAL_MS;
    const last = this.lastPoll.get(requestId);
    if (last !== undefined && nowMs - last < interval) {
      const wait = Math.max(1, Math.ceil((last + interval - nowMs) / 1000));
      throw new ProblemException(
        HttpStatus.TOO_MANY_REQUESTS,
        'Too Many Requests',
        `Polling this signing request too often; retry after ${wait} s`,
        {
          'Retry-After': String(wait),
        },
      );
    }
    this.lastPoll.set(requestId, nowMs);
  }

  reset(): void {
    this.lastPoll.clear();
  }
}
