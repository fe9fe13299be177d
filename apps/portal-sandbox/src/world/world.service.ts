import { Inject, Injectable } from '@nestjs/common';

import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';
import type { Gstr2bDocument } from './gstr2b.generator';
import { generateGstr2b, isGenerated } from './gstr2b.generator';
import type { FiledReturn } from './itr-returns.generator';
import { filedReturns } from './itr-returns.generator';
import { LruCache } from './lru-cache';
import { SandboxClock } from './sandbox-clock';
import type { SigningRequest } from './signing-requests.generator';
import { signingRequests } from './signing-requests.generator';

export type Gstr2bLookup = { kind: 'not_generated' } | { kind: 'generated'; document: Gstr2bDocument };

/**
 * The simulated world, generated lazily per identifier and projected onto the sandbox clock.
 * Only GSTR-2B documents are memoised: they are the only costly ones, and they do not depend on the clock.
 */
@Injectable()
export class WorldService {
  private readonly gstr2b: LruCache<string, Gstr2bDocument>;

  constructor(
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
    private readonly clock: SandboxClock,
  ) {
    this.gstr2b = new LruCache(config.SANDBOX_CACHE_ENTRIES);
  }

  now(): Date {
    return this.clock.now();
  }

  gstr2bFor(gstin: string, rtnprd: string): Gstr2bLookup {
    if (!isGenerated(rtnprd, this.clock.now())) return { kind: 'not_generated' };
    const document = this.gstr2b.getOrCreate(`${gstin}|${rtnprd}`, () =>
      generateGstr2b(this.config.SANDBOX_WORLD_SEED, gstin, rtnprd),
    );
    return { kind: 'generated', document };
  }

  filedReturns(pan: string): FiledReturn[] {
    return filedReturns(this.config.SANDBOX_WORLD_SEED, pan, this.clock.now());
  }

  signingRequests(fileId: string): SigningRequest[] {
    return signingRequests(this.config.SANDBOX_WORLD_SEED, fileId, this.clock.now());
  }

  reset(): void {
    this.gstr2b.clear();
    this.clock.reset();
  }
}
