import { Inject, Injectable } from '@nestjs/common';

import type { SandboxConfig } from '../config/sandbox.config';
import { SANDBOX_CONFIG } from '../config/sandbox.config';
import { parsePeriod } from './dates';
import { salesDocument } from './gst-sections.generator';
import type { Gstr2bDocument } from './gstr2b.generator';
import { generateGstr2b, isGenerated } from './gstr2b.generator';
import { istMidnight } from './ist';
import type { FiledReturn } from './itr-returns.generator';
import { filedReturns } from './itr-returns.generator';
import { LruCache } from './lru-cache';
import { SandboxClock } from './sandbox-clock';
import type { SigningRequest } from './signing-requests.generator';
import { signingRequests } from './signing-requests.generator';

export type Gstr2bLookup = { kind: 'not_generated' } | { kind: 'generated'; document: Gstr2bDocument };

/**
 * The simulated world, generated lazily per identifier and projected onto the sandbox clock.
 * Only invoice documents are memoised: they are the only costly ones, and they do not depend on the clock.
 */
@Injectable()
export class WorldService {
  private readonly documents: LruCache<string, Gstr2bDocument>;

  constructor(
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
    private readonly clock: SandboxClock,
  ) {
    this.documents = new LruCache(config.SANDBOX_CACHE_ENTRIES);
  }

  get seed(): string {
    return this.config.SANDBOX_WORLD_SEED;
  }

  now(): Date {
    return this.clock.now();
  }

  /** Whether the return period has begun, in India's time (a future period has no data at all). */
  periodStarted(rtnprd: string): boolean {
    const { month, year } = parsePeriod(rtnprd);
    return istMidnight(year, month, 1) <= this.clock.now().getTime();
  }

  gstr2bFor(gstin: string, rtnprd: string): Gstr2bLookup {
    if (!isGenerated(rtnprd, this.clock.now())) return { kind: 'not_generated' };
    return { kind: 'generated', document: this.purchases(gstin, rtnprd) };
  }

  /** Supplier invoices of the period (the 2B's content, also what 2A and IMS show). */
  purchases(gstin: string, rtnprd: string): Gstr2bDocument {
    return this.documents.getOrCreate(`2b|${gstin}|${rtnprd}`, () =>
      generateGstr2b(this.seed, gstin, rtnprd),
    );
  }

  /** The taxpayer's own outward invoices of the period (GSTR-1). */
  sales(gstin: string, rtnprd: string): Gstr2bDocument {
    return this.documents.getOrCreate(`r1|${gstin}|${rtnprd}`, () => salesDocument(this.seed, gstin, rtnprd));
  }

  filedReturns(pan: string): FiledReturn[] {
    return filedReturns(this.seed, pan, this.clock.now());
  }

  signingRequests(fileId: string): SigningRequest[] {
    return signingRequests(this.seed, fileId, this.clock.now());
  }

  reset(): void {
    this.documents.clear();
    this.clock.reset();
  }
}
